package org.relaygate.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A trigger initialized during ALTER TABLE sees H2's temporary copy; the audit log must name the table. */
class TableColumnsTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "REGISTRATIONS, registrations",
        "REGISTRATIONS_COPY_3_4, registrations",
        "registration_addresses_copy_12_0, registration_addresses",
        "BLOCKS_COPY_3, blocks_copy_3",
        "MY_COPY_TABLE, my_copy_table",
    })
    void tableNameIgnoresTheCopyOfAnAlterTable(String h2Name, String expected) {
        assertEquals(expected, TableColumns.tableName(h2Name));
    }
}
