package org.relaygate.cli;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.IpAddress;
import org.relaygate.policy.Text;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Typed arguments: a bad value is a usage error naming the option, before anything is opened. */
final class Converters {

    private Converters() {
    }

    static void registerAll(CommandLine cmd) {
        cmd.registerConverter(Cidr.class, text -> convert(() -> Cidr.parse(text)));
        cmd.registerConverter(IpAddress.class, text -> convert(() -> IpAddress.parse(text)));
        cmd.registerConverter(LocalDate.class, Converters::date);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** {@code --until TIME}: see {@link TimeSpec}; must lie in the future. */
    static final class Until implements ITypeConverter<Instant> {
        @Override
        public Instant convert(String text) {
            return Converters.convert(() -> TimeSpec.parseFuture(text, Clock.systemUTC()));
        }
    }

    private static LocalDate date(String text) {
        try {
            return LocalDate.parse(text.strip());
        } catch (DateTimeParseException e) {
            throw new TypeConversionException("not a date (YYYY-MM-DD): " + Text.quote(text));
        }
    }

    private static <T> T convert(java.util.function.Supplier<T> parse) {
        try {
            return parse.get();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
