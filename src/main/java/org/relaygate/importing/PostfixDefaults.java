package org.relaygate.importing;

import java.time.LocalDate;
import java.util.List;

/**
 * What a Postfix file does not say about its networks, from the command's flags: each network
 * becomes its own ACTIVE registration of this unit and contact (Postfix already lets it relay).
 * The notes name the file and line, so every imported registration can be traced to its source.
 */
public record PostfixDefaults(String unit, String contact, String device, String reason, String signedBy,
                              LocalDate signedOn, String fileName) {

    public ImportRecord record(PostfixImport.Entry entry) {
        return new ImportRecord(entry.line(), unit, contact,
                device != null ? device : "imported from " + fileName,
                reason != null ? reason : "allowed to relay by Postfix (" + fileName + ")",
                signedBy, signedOn == null ? null : signedOn.toString(), "ACTIVE", List.of(entry.network()),
                "imported from " + fileName + " line " + entry.line());
    }

    /** The summary's note on what was left out on purpose; empty when nothing was. */
    public static String note(PostfixImport.Skipped skipped) {
        StringBuilder sb = new StringBuilder();
        if (skipped.loopback() > 0) {
            sb.append(skipped.loopback()).append(" loopback ").append(skipped.loopback() == 1 ? "network" : "networks");
        }
        if (skipped.otherActions() > 0) {
            sb.append(sb.length() > 0 ? ", " : "").append(skipped.otherActions())
                    .append(skipped.otherActions() == 1 ? " entry" : " entries").append(" with another action than OK");
        }
        return sb.length() == 0 ? "" : "; left out: " + sb;
    }
}
