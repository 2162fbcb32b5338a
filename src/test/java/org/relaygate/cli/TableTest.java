package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TableTest {

    @Test
    void alignsColumnsToTheWidestCellWithoutTrailingBlanks() {
        String text = new Table("ID", "STATUS", "UNIT")
                .row(1, "ACTIVE", "Physics")
                .row(1234, "PENDING", "")
                .render();
        assertEquals("""
                ID    STATUS   UNIT
                1     ACTIVE   Physics
                1234  PENDING
                """, text);
    }

    @Test
    void nullCellsAreEmptyAndControlCharactersCannotBreakTheLayout() {
        String text = new Table("A", "B").row(null, "x\ny\tz\u0000").row("long value", "b").render();
        assertEquals("""
                A           B
                            x y z
                long value  b
                """, text);
    }

    @Test
    void countsCodePointsNotCharsForWidth() {
        String text = new Table("U", "X").row("\uD83D\uDCE7mail", "1").row("abcde", "2").render();
        assertEquals("""
                U      X
                \uD83D\uDCE7mail  1
                abcde  2
                """, text);
    }

    @Test
    void headerOnlyWhenThereAreNoRows() {
        assertEquals("ID  NETWORK\n", new Table("ID", "NETWORK").render());
    }

    @Test
    void aRowMustMatchTheColumns() {
        Table t = new Table("A", "B");
        assertThrows(IllegalArgumentException.class, () -> t.row("only one"));
        assertThrows(IllegalArgumentException.class, Table::new);
    }
}
