package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code relaygate limits} in-process against a real H2 registry file. */
class CliLimitsTest {

    @TempDir
    static Path dir;
    static String db;
    static long id;

    @BeforeAll
    static void seed() {
        db = dir.resolve("data").toString();
        id = Long.parseLong(CliRun.on(db, "register", "--unit", "Physics", "--contact", "physics-it@example.edu",
                "--device", "copier", "--reason", "no SMTP AUTH", "--signed-by", "Dr. Head", "--ip", "192.0.2.7").ok().strip());
        CliRun.on(db, "approve", Long.toString(id)).ok();
    }

    /** Row counts and the revision: equal before and after means nothing was written. */
    private static String fingerprint() {
        return CliRun.on(db, "sql", "SELECT (SELECT COUNT(*) FROM audit_log) l, (SELECT revision FROM registry_meta) v,"
                + " (SELECT COUNT(*) FROM registrations WHERE max_messages_per_hour IS NOT NULL) m").ok();
    }

    private static String table(String mph, String mphFrom, String rpm, String rpmFrom, String rph, String rphFrom, String window) {
        String t = new Table("LIMIT", "VALUE", "FROM").row("messages per hour", mph, mphFrom)
                .row("recipients per message", rpm, rpmFrom).row("recipients per hour", rph, rphFrom).render();
        return "registration " + id + " (\"per hour\" counts over limits.window = " + window + ")\n" + t;
    }

    @Test
    void showsSetsAndResetsTheLimitsWithAnAuditEntry() {
        String one = Long.toString(id);
        assertEquals(table("100", "default", "50", "default", "500", "default", "1h"), CliRun.on(db, "limits", one).ok());
        assertEquals(table("10", "own", "50", "default", "none", "own", "1h"),
                CliRun.on(db, "limits", one, "--messages-per-hour", "10", "--recipients-per-hour", "0", "--actor", "carol").ok());
        assertEquals(table("10", "own", "3", "own", "none", "own", "1h"),
                CliRun.on(db, "limits", one, "--recipients-per-message", "3").ok(), "only what is given changes");
        String audit = CliRun.on(db, "audit", "--registration", one, "--limit", "2").ok();
        assertTrue(audit.contains("max_recipients_per_message=3"), audit);
        assertTrue(audit.contains("carol") && audit.contains("max_messages_per_hour=10"), audit);
        assertEquals(table("100", "default", "50", "default", "500", "default", "1h"),
                CliRun.on(db, "limits", one, "--default").ok());
    }

    @Test
    void theDefaultsAndWindowComeFromTheConfiguration() throws IOException {
        Path config = dir.resolve("limits.properties");
        Files.writeString(config, "limits.messages-per-hour=7\nlimits.window=10s\nlimits.recipients-per-hour=0\n");
        assertEquals(table("7", "default", "50", "default", "none", "default", "10s"),
                CliRun.on(db, "limits", Long.toString(id), "--config", config.toString()).ok());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "--default --messages-per-hour 3 | 2 | --default goes alone: it resets all three limits",
        "--messages-per-hour -1          | 2 | a limit must be between 0 (no limit) and 100000000, not -1",
        "--recipients-per-hour lots      | 2 | --recipients-per-hour",
        "--recipients-per-message 100000001 | 2 | a limit must be between 0 (no limit) and 100000000",
    })
    void usageErrorsAreOneLineAndWriteNothing(String options, int code, String message) {
        String before = fingerprint();
        String[] args = ("limits " + id + " " + options).split(" ");
        CliRun run = CliRun.on(db, args);
        run.refused(message);
        assertEquals(code, run.code());
        assertEquals(before, fingerprint());
    }

    @Test
    void unknownAndRevokedRegistrationsAreRefused() {
        assertEquals(1, CliRun.on(db, "limits", "999999").code());
        CliRun.on(db, "limits", "999999").refused("no registration 999999");
        CliRun.on(db, "limits", "999999", "--messages-per-hour", "1").refused("no registration 999999");
        long gone = Long.parseLong(CliRun.on(db, "register", "--unit", "Chem", "--contact", "c@example.edu", "--device", "scanner",
                "--reason", "legacy", "--signed-by", "Dean", "--ip", "192.0.2.9").ok().strip());
        CliRun.on(db, "revoke", Long.toString(gone)).ok();
        CliRun.on(db, "limits", Long.toString(gone), "--messages-per-hour", "1")
                .refused("registration " + gone + " is REVOKED; its limits no longer matter");
    }
}
