package org.relaygate.registry;

import java.util.List;

/** The result of {@code relaygate sql}: columns and rows for a query, else the update count. */
public record SqlResult(List<String> columns, List<List<String>> rows, long updateCount) {
}
