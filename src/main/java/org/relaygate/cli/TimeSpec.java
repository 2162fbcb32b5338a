package org.relaygate.cli;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.relaygate.policy.Text;

/**
 * Parses the end time of a block ({@code block --until TIME}). Pure: the clock is given, so tests
 * pin "now". Times without a zone are UTC, like every time relaygate stores and prints.
 */
public final class TimeSpec {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhdw])");
    private static final String FORMS =
            "use 2026-12-01T12:00:00Z, 2026-12-01T12:00 (UTC), 2026-12-01 (start of day UTC) or a duration from now such as 90m, 2h, 7d";

    private TimeSpec() {
    }

    /**
     * An ISO instant ({@code 2026-12-01T12:00:00Z}, also with an offset), a local date-time in UTC
     * ({@code 2026-12-01T12:00} or {@code 2026-12-01 12:00}), a date (start of that day, UTC), or a
     * duration from now ({@code 90m}, {@code 2h}, {@code 7d}, {@code 2w}; also {@code s}).
     *
     * @throws IllegalArgumentException when the text is none of these
     */
    public static Instant parse(String text, Clock clock) {
        String s = text == null ? "" : text.strip();
        if (s.isEmpty() || s.length() > 40) {
            throw new IllegalArgumentException("not a time: " + Text.quote(text) + " (" + FORMS + ")");
        }
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT));
        if (m.matches()) {
            return clock.instant().plus(duration(Long.parseLong(m.group(1)), m.group(2).charAt(0)));
        }
        String iso = s.toUpperCase(Locale.ROOT).replaceFirst("^(\\d{4}-\\d{2}-\\d{2}) ", "$1T");
        try {
            if (iso.endsWith("Z") || iso.matches(".*T.*[+-]\\d{2}(:?\\d{2})?$")) {
                return OffsetDateTime.parse(iso).toInstant();
            }
            if (iso.indexOf('T') >= 0) {
                return LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC);
            }
            return LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: " + Text.quote(text) + " (" + FORMS + ")");
        }
    }

    /** Like {@link #parse}, and refuses a time that is not in the future: such a block would never apply. */
    public static Instant parseFuture(String text, Clock clock) {
        Instant at = parse(text, clock);
        if (!at.isAfter(clock.instant())) {
            throw new IllegalArgumentException("time " + Text.quote(text) + " (" + at + ") is not in the future");
        }
        return at;
    }

    private static Duration duration(long n, char unit) {
        try {
            return switch (unit) {
                case 's' -> Duration.ofSeconds(n);
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                case 'd' -> Duration.ofDays(n);
                default -> Duration.ofDays(Math.multiplyExact(n, 7L));
            };
        } catch (ArithmeticException | DateTimeException e) {
            throw new IllegalArgumentException("duration too long: " + n + unit);
        }
    }
}
