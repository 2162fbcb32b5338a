package org.relaygate.metrics;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads Prometheus text format back for the tests: every sample as "name{labels}" -> value, and the
 * TYPE of every family; fails on a line that is neither a comment nor {@code series value}.
 */
public record Exposition(Map<String, Double> samples, Map<String, String> types) {

    public static Exposition parse(String text) {
        Map<String, Double> samples = new LinkedHashMap<>();
        Map<String, String> types = new LinkedHashMap<>();
        for (String line : text.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                types.put(parts[2], parts[3]);
                continue;
            }
            if (line.startsWith("# HELP ")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space < 0 || line.startsWith("#")) {
                throw new IllegalArgumentException("not a sample line: " + line);
            }
            String value = line.substring(space + 1);
            double v = switch (value) {
                case "+Inf" -> Double.POSITIVE_INFINITY;
                case "-Inf" -> Double.NEGATIVE_INFINITY;
                default -> Double.parseDouble(value);
            };
            if (samples.put(line.substring(0, space), v) != null) {
                throw new IllegalArgumentException("sample twice: " + line);
            }
        }
        return new Exposition(samples, types);
    }

    /** The value of one series, written as it appears in the text (labels in order); fails when absent. */
    public double value(String series) {
        Double v = samples.get(series);
        if (v == null) {
            throw new AssertionError("no sample " + series + " in " + samples.keySet());
        }
        return v;
    }
}
