package org.relaygate.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.relaygate.policy.Text;

/**
 * A plain-text table with aligned columns, for people at a terminal ({@code --json} is for scripts).
 * Cells are made one-line so a value written by plain SQL can never break the layout.
 */
public final class Table {

    private static final String GAP = "  ";

    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public Table(String... header) {
        this(Arrays.asList(header));
    }

    public Table(List<String> header) {
        if (header.isEmpty()) {
            throw new IllegalArgumentException("a table needs at least one column");
        }
        this.header = header.stream().map(Table::cell).toList();
    }

    /** Adds a row; a null cell shows as empty. */
    public Table row(Object... cells) {
        return row(Arrays.asList(cells));
    }

    public Table row(List<?> cells) {
        if (cells.size() != header.size()) {
            throw new IllegalArgumentException("row has " + cells.size() + " cells, table has " + header.size() + " columns");
        }
        rows.add(cells.stream().map(c -> cell(c == null ? null : String.valueOf(c))).toList());
        return this;
    }

    public int size() {
        return rows.size();
    }

    /** The header and every row, columns padded to their widest cell, each line ending in a newline. */
    public String render() {
        int[] width = new int[header.size()];
        measure(header, width);
        rows.forEach(r -> measure(r, width));
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        rows.forEach(r -> line(sb, r, width));
        return sb.toString();
    }

    private static void measure(List<String> cells, int[] width) {
        for (int i = 0; i < cells.size(); i++) {
            width[i] = Math.max(width[i], cells.get(i).codePointCount(0, cells.get(i).length()));
        }
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width) {
        int start = sb.length();
        for (int i = 0; i < cells.size(); i++) {
            String c = cells.get(i);
            sb.append(c);
            if (i < cells.size() - 1) {
                sb.append(" ".repeat(width[i] - c.codePointCount(0, c.length()))).append(GAP);
            }
        }
        // No trailing blanks when the last cells are empty.
        int end = sb.length();
        while (end > start && sb.charAt(end - 1) == ' ') {
            end--;
        }
        sb.setLength(end);
        sb.append('\n');
    }

    private static String cell(String value) {
        return value == null ? "" : Text.oneLine(value);
    }
}
