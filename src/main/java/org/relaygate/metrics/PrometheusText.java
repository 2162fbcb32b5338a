package org.relaygate.metrics;

import java.math.BigDecimal;

/**
 * Writes the Prometheus text exposition format 0.0.4: a HELP and a TYPE line per metric family,
 * then its samples; label values escaped ({@code \\}, {@code \"}, {@code \n}), HELP texts too
 * ({@code \\}, {@code \n}).
 */
final class PrometheusText {

    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final StringBuilder out = new StringBuilder(8192);

    PrometheusText family(String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ');
        escape(help, false);
        out.append('\n').append("# TYPE ").append(name).append(' ').append(type).append('\n');
        return this;
    }

    PrometheusText sample(String name, double value) {
        out.append(name).append(' ').append(number(value)).append('\n');
        return this;
    }

    /** One sample with labels given as name, value, name, value... */
    PrometheusText sample(String name, double value, String... labels) {
        out.append(name).append('{');
        for (int i = 0; i < labels.length; i += 2) {
            if (i > 0) {
                out.append(',');
            }
            out.append(labels[i]).append("=\"");
            escape(labels[i + 1], true);
            out.append('"');
        }
        out.append("} ").append(number(value)).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return out.toString();
    }

    /** Integers without a fraction ("12", not "12.0"), others in plain decimal ("0.000025"), and +Inf/-Inf/NaN. */
    static String number(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private void escape(String value, boolean quotes) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '"' -> out.append(quotes ? "\\\"" : "\"");
                default -> out.append(c);
            }
        }
    }
}
