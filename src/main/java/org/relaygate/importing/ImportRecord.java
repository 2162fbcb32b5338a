package org.relaygate.importing;

import java.util.List;

/**
 * One registration as an import file states it, before any validation: raw text, and the file
 * line it starts on so that every refusal can name that line. Null fields were not given.
 */
public record ImportRecord(int line, String unit, String contact, String device, String reason, String signedBy,
                           String signedOn, String status, List<String> addresses, String notes) {
}
