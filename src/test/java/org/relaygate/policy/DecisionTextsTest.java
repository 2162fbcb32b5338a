package org.relaygate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DecisionTextsTest {

    private static final String[] NAMES = {"blocked", "pending", "suspended", "revoked", "not-registered",
            "bad-client-address", "register", "postmaster"};

    /** The defaults with field {@code index} replaced. */
    private static DecisionTexts with(int index, String value) {
        DecisionTexts d = DecisionTexts.DEFAULTS;
        String[] v = {d.blocked(), d.pending(), d.suspended(), d.revoked(), d.notRegistered(), d.badClientAddress(),
                d.register(), d.postmaster()};
        v[index] = value;
        return new DecisionTexts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]);
    }

    @Test
    void defaultsAreDistinctAndCoded() {
        DecisionTexts d = DecisionTexts.DEFAULTS;
        java.util.Set<String> refusals = java.util.Set.of(d.blocked(), d.pending(), d.suspended(), d.revoked(),
                d.notRegistered(), d.badClientAddress());
        assertEquals(6, refusals.size());
        refusals.forEach(t -> assertTrue(t.startsWith("5.7.1 ") && t.contains("{client}"), t));
    }

    @ParameterizedTest(name = "{0}: \"{1}\" -> {2}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "0 | NULL                  | text.blocked must not be empty",
            "0 | ''                    | text.blocked must not be empty",
            "1 | '   '                 | text.pending must not be empty",
            "6 | NULL                  | text.register must not be empty",
            "7 | ''                    | text.postmaster must not be empty",
            "2 | '5.7.1 a\nb'          | text.suspended must be one line",
            "3 | '5.7.1 a\rb'          | text.revoked must be one line",
            "6 | 'form\n'              | text.register must be one line",
            "4 | 'not registered'      | text.not-registered must start with an RFC 3463 code such as 5.7.1: \"not registered\"",
            "4 | '4.7.1 try later'     | text.not-registered must start with an RFC 3463 code such as 5.7.1: \"4.7.1 try later\"",
            "5 | '554 5.7.1 no'        | text.bad-client-address must start with an RFC 3463 code such as 5.7.1: \"554 5.7.1 no\"",
            "5 | '5.7.1'               | text.bad-client-address must start with an RFC 3463 code such as 5.7.1: \"5.7.1\"",
            "0 | '5.7.1234 x'          | text.blocked must start with an RFC 3463 code such as 5.7.1: \"5.7.1234 x\"",
            "0 | '5.7 x'               | text.blocked must start with an RFC 3463 code such as 5.7.1: \"5.7 x\"",
            "0 | ' 5.7.1 x'            | text.blocked must start with an RFC 3463 code such as 5.7.1: \" 5.7.1 x\"",
            "0 | '5.\u0667.1 x'        | text.blocked must start with an RFC 3463 code such as 5.7.1: \"5.\u0667.1 x\"",
    })
    void refusesBadTexts(int index, String value, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(index, value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void refusesOverLongTexts() {
        for (int i = 0; i < NAMES.length; i++) {
            String text = (i < 6 ? "5.7.1 " : "") + "x".repeat(401);
            int index = i;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(index, text));
            assertEquals("text." + NAMES[i] + " is longer than 400 characters", e.getMessage());
        }
    }

    @ParameterizedTest(name = "text.rate-limited \"{0}\" -> {1}")
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL                 | text.rate-limited must not be empty",
            "'5.7.1 over a limit' | text.rate-limited must start with an RFC 3463 code such as 4.7.1 (a temporary refusal): \"5.7.1 over a limit\"",
            "'over {limit}'       | text.rate-limited must start with an RFC 3463 code such as 4.7.1 (a temporary refusal): \"over {limit}\"",
            "'4.7.1 a\nb'         | text.rate-limited must be one line",
    })
    void theRateLimitedTextIsATemporaryRefusal(String value, String message) {
        DecisionTexts d = DecisionTexts.DEFAULTS;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DecisionTexts(d.blocked(),
                d.pending(), d.suspended(), d.revoked(), d.notRegistered(), d.badClientAddress(), d.register(), d.postmaster(), value));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theEightTextConstructorKeepsTheDefaultRateLimitedText() {
        assertEquals(DecisionTexts.DEFAULT_RATE_LIMITED, with(0, "5.7.1 x").rateLimited());
        assertTrue(DecisionTexts.DEFAULTS.rateLimited().startsWith("4.7.1 ") && DecisionTexts.DEFAULTS.rateLimited().contains("{limit}"));
    }

    @Test
    void acceptsOtherCodesAndAnyNonRefusalText() {
        assertEquals("5.1.7 x", with(5, "5.1.7 x").badClientAddress());
        assertEquals("5.7.27 x", with(0, "5.7.27 x").blocked());
        assertEquals("see https://relay.example/form", with(6, "see https://relay.example/form").register());
        assertEquals("5.7.1 " + "x".repeat(394), with(0, "5.7.1 " + "x".repeat(394)).blocked());
    }

    /** Built in code, not in a CSV table: the CSV reader of JUnit drops some control characters. */
    @Test
    void oneLineReplacesEveryLineBreakingCharacter() {
        String[][] cases = {
                {"plain", "plain"}, {"a\r\nb", "a  b"}, {"a\u0000b", "a b"}, {"a\tb", "a b"}, {"a\u007fb", "a b"},
                {"a\u0085b", "a b"}, {"a\u009fb", "a b"}, {"a\u2028b", "a b"}, {"a\u2029b", "a b"},
                {"caf\u00e9 \u00a0", "caf\u00e9 \u00a0"}, {"\uD83D\uDCE7", "\uD83D\uDCE7"},
        };
        for (String[] c : cases) {
            assertEquals(c[1], Text.oneLine(c[0]), () -> Text.quote(c[0]));
        }
    }

    @Test
    void refusesControlCharactersInAnyText() {
        for (int i = 0; i < NAMES.length; i++) {
            int index = i;
            String text = (i < 6 ? "5.7.1 " : "") + "a\u0000b";
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> with(index, text));
            assertEquals("text." + NAMES[i] + " must be one line", e.getMessage());
        }
    }

    @Test
    void quoteCutsAndShowsNull() {
        assertEquals("(none)", Text.quote(null));
        assertEquals("\"" + "y".repeat(80) + "...\"", Text.quote("y".repeat(200)));
        assertEquals("\"a b\"", Text.quote("a\nb"));
        assertEquals("", Text.oneLine(null));
    }
}
