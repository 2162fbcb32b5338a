package org.relaygate.registry;

import java.time.LocalDate;
import java.util.List;

/** The registration form's fields as submitted; addresses are raw text, validated by the registry. */
public record NewRegistration(String unit, String contactEmail, String device, String reason,
                              String signedBy, LocalDate signedOn, List<String> addresses, String notes) {
}
