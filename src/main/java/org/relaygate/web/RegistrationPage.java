package org.relaygate.web;

import java.time.LocalDate;
import java.util.Map;
import java.util.Set;

/**
 * The public pages' HTML: the registration form (with its errors and the input kept), the page
 * after a submission, and the refusal when a client address has used up its submissions. Every
 * submitted value goes through {@link Html#escape}; labels and hints are fixed text.
 */
final class RegistrationPage {

    static final String TITLE = "Mail relay registration";
    private static final Set<String> INPUTS = Set.copyOf(RegistrationForm.INPUTS);

    private RegistrationPage() {
    }

    /** The form; {@code errors} by input name (empty on first view); {@code csrfField} the hidden token input. */
    static String form(RegistrationForm form, Map<String, String> errors, String csrfField, LocalDate today) {
        StringBuilder body = new StringBuilder(4096);
        body.append(Html.errorSummary(errors, INPUTS))
                .append("<p>Register a device or application that sends mail through the institution's relay "
                        + "without authenticated SMTP (a copier, a monitoring system, a lab instrument). The "
                        + "postmaster reviews each registration before its addresses may relay. All fields are required.</p>\n")
                .append("<form id=\"registration\" method=\"post\" action=\"/register\">\n").append(csrfField)
                .append("<fieldset>\n<legend>Your unit</legend>\n")
                .append(Html.input("unit", "Department or unit", "text", form.unit(),
                        " autocomplete=\"organization\" maxlength=\"200\" required", errors.get("unit")))
                .append(Html.input("contact", "Contact address <span class=\"hint\">(a group address that is read, "
                        + "not a person's)</span>", "text", form.contact(),
                        " inputmode=\"email\" autocomplete=\"email\" spellcheck=\"false\" maxlength=\"254\" required",
                        errors.get("contact")))
                .append("</fieldset>\n<fieldset>\n<legend>The device</legend>\n")
                .append(Html.textarea("addresses", "Static IP addresses or networks <span class=\"hint\">(IPv4 or IPv6, "
                        + "CIDR allowed; separate with spaces, commas or new lines)</span>", form.addresses(),
                        " rows=\"4\" autocomplete=\"off\" spellcheck=\"false\" required", errors.get("addresses")))
                .append(Html.input("device", "Device or application", "text", form.device(),
                        " autocomplete=\"off\" maxlength=\"200\" required", errors.get("device")))
                .append(Html.textarea("reason", "Why it cannot use authenticated SMTP", form.reason(),
                        " rows=\"4\" maxlength=\"1000\" required", errors.get("reason")))
                .append("</fieldset>\n<fieldset>\n<legend>Signature</legend>\n")
                .append(Html.input("signed_by", "Your name", "text", form.signedBy(),
                        " autocomplete=\"name\" maxlength=\"200\" required", errors.get("signed_by")))
                .append(Html.input("signed_on", "Date", "date", form.signedOn(),
                        " max=\"" + today.plusDays(1) + "\" required", errors.get("signed_on")))
                .append(attestation(form.attested(), errors.get("attest")))
                .append("</fieldset>\n<button type=\"submit\" id=\"submit\">Submit the registration</button>\n</form>\n");
        return Html.page(TITLE, body.toString());
    }

    private static String attestation(boolean attested, String error) {
        return "<div class=\"field checkbox" + (error == null ? "" : " invalid") + "\">\n" + Html.fieldError("attest", error)
                + "<input type=\"checkbox\" id=\"attest\" name=\"attest\" value=\"yes\"" + (attested ? " checked" : "")
                + " required" + Html.invalidAttributes("attest", error) + ">\n"
                + "<label for=\"attest\">The device is well protected against viruses and other security breaches</label>\n</div>\n";
    }

    /** After a submission: the reference (from the session) and what happens next. */
    static String submitted(long reference) {
        return Html.page("Registration submitted", "<p>Thank you. Your registration has the reference number "
                + "<strong id=\"reference\">" + reference + "</strong>.</p>\n"
                + "<p>It is <strong>PENDING</strong> postmaster review: its addresses may relay mail once the "
                + "postmaster approves it. Quote the reference number when you write to the postmaster.</p>\n"
                + "<p><a href=\"/register\">Register another device</a></p>\n");
    }

    /** Nothing submitted in this session (the reference is never taken from the URL). */
    static String nothingSubmitted() {
        return Html.page("No registration submitted", "<p>This browser session has not submitted a registration "
                + "(or the session has ended).</p>\n<p><a href=\"/register\">Go to the registration form</a></p>\n");
    }

    /** The client address has used up its submissions for now. */
    static String tooMany(int perHour) {
        return Html.page(TITLE, "<div id=\"errors\" role=\"alert\" class=\"summary\">\n<h2>Too many registrations</h2>\n"
                + "<p>This address has submitted " + perHour + " registration" + (perHour == 1 ? "" : "s")
                + " in the last hour, the most the form accepts. Please try again later, or write to the postmaster.</p>\n"
                + "</div>\n");
    }
}
