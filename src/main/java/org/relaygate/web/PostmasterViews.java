package org.relaygate.web;

import static org.relaygate.web.Html.escape;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.stream.Collectors;
import org.relaygate.policy.Cidr;
import org.relaygate.registry.AuditEntry;
import org.relaygate.registry.BlockEntry;
import org.relaygate.registry.Registration;
import org.relaygate.registry.RegistrationList;

/**
 * The postmaster's pages as HTML (pure: values in, a page out). Ids and names follow the URL/HTML
 * contract the browser test is written against; every value is escaped where it is written, and
 * every form carries the CSRF token.
 */
final class PostmasterViews {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    /** What every page after login shows around its body: who is logged in, the flash messages. */
    record Frame(String csrfToken, String actor, String notice, String error) {
    }

    private PostmasterViews() {
    }

    static String csrfField(String token) {
        return "<input type=\"hidden\" name=\"X-XSRF-TOKEN\" value=\"" + escape(token) + "\">";
    }

    static String login(String token, String name, String error) {
        StringBuilder b = new StringBuilder();
        if (error != null) {
            b.append("<p class=\"error\" id=\"login-error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        }
        b.append("<form id=\"login\" method=\"post\" action=\"/postmaster/login\">\n").append(csrfField(token)).append('\n')
                .append("<p><label for=\"name\">Your name (recorded with every change you make)</label>\n")
                .append("<input id=\"name\" name=\"name\" required maxlength=\"").append(PostmasterAuth.MAX_NAME)
                .append("\" autocomplete=\"username\" value=\"").append(escape(name)).append("\"></p>\n")
                .append("<p><label for=\"password\">Postmaster password</label>\n")
                .append("<input id=\"password\" name=\"password\" type=\"password\" required autocomplete=\"current-password\"></p>\n")
                .append("<p><button type=\"submit\" id=\"login-submit\">Log in</button></p>\n</form>");
        return Html.page("Postmaster login", b.toString());
    }

    static String queue(Frame frame, RegistrationList queue) {
        List<Registration> pending = queue.registrations();
        StringBuilder b = new StringBuilder(searchForm(""));
        if (pending.isEmpty()) {
            b.append("<p id=\"queue-empty\">No registration is waiting for review.</p>\n");
        } else if (queue.truncated()) {
            b.append("<p id=\"queue-more\">The oldest ").append(pending.size()).append(" of ").append(queue.total())
                    .append(" registrations waiting for review; ").append(queue.more())
                    .append(queue.more() == 1 ? " more is" : " more are")
                    .append(" not shown. Search by address, unit or contact to find a particular one.</p>\n");
        }
        b.append(registrationTable("queue", "Registrations waiting for review, oldest first", pending));
        return page(frame, "Review queue", b.toString());
    }

    static String search(Frame frame, String q, List<Registration> results, String error) {
        StringBuilder b = new StringBuilder(searchForm(q));
        if (error != null) {
            b.append("<p class=\"error\" id=\"search-error\" role=\"alert\">").append(escape(error)).append("</p>\n");
        } else if (results != null) {
            b.append("<p id=\"result-count\">").append(results.size()).append(results.size() == 1 ? " registration" : " registrations")
                    .append(results.size() >= PostmasterPages.MAX_RESULTS ? " (the first " + PostmasterPages.MAX_RESULTS + ")" : "")
                    .append("</p>\n").append(registrationTable("results", "Search results", results));
        }
        return page(frame, "Search", b.toString());
    }

    static String registration(Frame frame, Registration r, List<AuditEntry> history) {
        StringBuilder b = new StringBuilder("<dl id=\"details\">\n");
        item(b, "Reference", "reference", r.id());
        item(b, "Status", "status", r.status());
        item(b, "Status reason", "status-reason", r.statusReason());
        item(b, "Unit", "unit", r.unit());
        item(b, "Contact", "contact", r.contactEmail());
        item(b, "Device or application", "device", r.device());
        item(b, "Why it cannot use authenticated SMTP", "reason", r.reason());
        item(b, "Signed by", "signed-by", r.signedBy());
        item(b, "Signed on", "signed-on", r.signedOn());
        item(b, "Submitted", "submitted", time(r.createdAt()));
        item(b, "Approved", "approved", r.approvedAt() == null ? null : time(r.approvedAt()) + " by " + r.approvedBy());
        item(b, "Notes", "notes", r.notes());
        b.append("</dl>\n<h2>Addresses</h2>\n<ul id=\"addresses\">\n");
        for (Cidr c : r.addresses()) {
            b.append("<li>").append(escape(c.toDisplayString())).append("</li>\n");
        }
        b.append("</ul>\n<h2>Actions</h2>\n");
        String base = "/postmaster/registrations/" + r.id();
        actionForm(b, frame.csrfToken(), base, "approve", "Approve", false,
                "Note (optional: the audit log records who approved and when)");
        actionForm(b, frame.csrfToken(), base, "suspend", "Suspend", true, "Reason for the suspension");
        actionForm(b, frame.csrfToken(), base, "revoke", "Revoke", true, "Reason for the revocation");
        b.append(blockForm(frame.csrfToken(), base));
        b.append(history(history));
        return page(frame, "Registration " + r.id(), b.toString());
    }

    static String blocks(Frame frame, List<BlockEntry> blocks) {
        StringBuilder b = new StringBuilder(blockForm(frame.csrfToken(), "/postmaster/blocks"));
        b.append("<table id=\"blocks\">\n<caption>Blocked networks</caption>\n<thead><tr><th scope=\"col\">Network</th>"
                + "<th scope=\"col\">Reason</th><th scope=\"col\">By</th><th scope=\"col\">Since</th>"
                + "<th scope=\"col\">Until</th></tr></thead>\n<tbody>\n");
        for (BlockEntry e : blocks) {
            b.append("<tr><td>").append(escape(e.cidr().toDisplayString())).append("</td><td>").append(escape(e.reason()))
                    .append("</td><td>").append(escape(e.createdBy())).append("</td><td>").append(escape(time(e.createdAt())))
                    .append("</td><td>").append(e.expiresAt() == null ? "no end" : escape(time(e.expiresAt()))).append("</td></tr>\n");
        }
        return page(frame, "Blocks", b.append("</tbody>\n</table>").toString());
    }

    /** A short page for what went wrong (unknown registration, internal error), with the usual frame. */
    /** The answer to an action that could not be done; the frame's error says why (action-error). */
    static String notDone(Frame frame) {
        return page(frame, "Not done", "<p><a href=\"/postmaster\">Back to the review queue</a></p>");
    }

    static String problem(Frame frame, String title, String message) {
        return page(frame, title, "<p class=\"error\" id=\"page-error\" role=\"alert\">" + escape(message) + "</p>");
    }

    private static String page(Frame frame, String title, String body) {
        StringBuilder b = new StringBuilder("<nav><span><a href=\"/postmaster\">Review queue</a> | <a href=\"/postmaster/search\">Search</a>"
                + " | <a href=\"/postmaster/blocks\">Blocks</a></span>\n<form id=\"logout-form\" method=\"post\" action=\"/postmaster/logout\">");
        b.append(csrfField(frame.csrfToken())).append("Logged in as <span id=\"actor\">").append(escape(frame.actor()))
                .append("</span> <button type=\"submit\" id=\"logout\">Log out</button></form></nav>\n");
        if (frame.notice() != null) {
            b.append("<p id=\"notice\" role=\"status\">").append(escape(frame.notice())).append("</p>\n");
        }
        if (frame.error() != null) {
            b.append("<p class=\"error\" id=\"action-error\" role=\"alert\">").append(escape(frame.error())).append("</p>\n");
        }
        return Html.page(title, b.append(body).toString(), true);
    }

    private static String searchForm(String q) {
        return "<form id=\"search\" method=\"get\" action=\"/postmaster/search\">\n<label for=\"q\">Address, network, unit or contact</label>\n"
                + "<input id=\"q\" name=\"q\" type=\"search\" maxlength=\"200\" value=\"" + escape(q) + "\">\n"
                + "<button type=\"submit\" id=\"search-submit\">Search</button>\n</form>\n";
    }

    private static String registrationTable(String id, String caption, List<Registration> rows) {
        StringBuilder b = new StringBuilder("<table id=\"").append(id).append("\">\n<caption>").append(escape(caption))
                .append("</caption>\n<thead><tr><th scope=\"col\">Reference</th><th scope=\"col\">Status</th><th scope=\"col\">Unit</th>"
                        + "<th scope=\"col\">Contact</th><th scope=\"col\">Device</th><th scope=\"col\">Addresses</th>"
                        + "<th scope=\"col\">Signed by</th><th scope=\"col\">Signed on</th><th scope=\"col\">Submitted</th></tr></thead>\n<tbody>\n");
        for (Registration r : rows) {
            b.append("<tr id=\"registration-").append(r.id()).append("\"><td><a href=\"/postmaster/registrations/").append(r.id())
                    .append("\">").append(r.id()).append("</a></td><td>").append(escape(r.status())).append("</td><td>")
                    .append(escape(r.unit())).append("</td><td>").append(escape(r.contactEmail())).append("</td><td>")
                    .append(escape(r.device())).append("</td><td>").append(escape(addresses(r.addresses()))).append("</td><td>")
                    .append(escape(r.signedBy())).append("</td><td>").append(escape(r.signedOn())).append("</td><td>")
                    .append(escape(time(r.createdAt()))).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n").toString();
    }

    private static void actionForm(StringBuilder b, String token, String base, String action, String label,
                                   boolean reasonRequired, String reasonLabel) {
        b.append("<form id=\"").append(action).append("-form\" method=\"post\" action=\"").append(base).append('/').append(action)
                .append("\">\n").append(csrfField(token)).append('\n')
                .append("<label for=\"").append(action).append("-reason\">").append(escape(reasonLabel)).append("</label>\n")
                .append("<input id=\"").append(action).append("-reason\" name=\"reason\" maxlength=\"1000\"")
                .append(reasonRequired ? " required" : "").append(">\n")
                .append("<button type=\"submit\" id=\"").append(action).append("\">").append(label).append("</button>\n</form>\n");
    }

    private static String blockForm(String token, String back) {
        return "<h2>Block a network</h2>\n<form id=\"block-form\" method=\"post\" action=\"/postmaster/blocks\">\n" + csrfField(token)
                + "\n<input type=\"hidden\" name=\"back\" value=\"" + escape(back) + "\">\n"
                + "<label for=\"block-cidr\">Address or network</label>\n<input id=\"block-cidr\" name=\"cidr\" required maxlength=\"64\">\n"
                + "<label for=\"block-reason\">Reason</label>\n<input id=\"block-reason\" name=\"reason\" required maxlength=\"1000\">\n"
                + "<button type=\"submit\" id=\"block\">Block</button>\n</form>\n";
    }

    private static String history(List<AuditEntry> history) {
        StringBuilder b = new StringBuilder("<h2>History</h2>\n<table id=\"history\">\n<caption>Changes, newest first</caption>\n"
                + "<thead><tr><th scope=\"col\">When</th><th scope=\"col\">Who</th><th scope=\"col\">What</th>"
                + "<th scope=\"col\">Before</th><th scope=\"col\">After</th></tr></thead>\n<tbody>\n");
        for (AuditEntry e : history) {
            b.append("<tr><td>").append(escape(time(e.at()))).append("</td><td>").append(escape(e.actor())).append(" (")
                    .append(escape(e.source())).append(")</td><td>").append(escape(e.operation())).append(' ')
                    .append(escape(e.tableName())).append("</td><td>").append(escape(e.oldValue())).append("</td><td>")
                    .append(escape(e.newValue())).append("</td></tr>\n");
        }
        return b.append("</tbody>\n</table>\n").toString();
    }

    private static void item(StringBuilder b, String term, String id, Object value) {
        b.append("<dt>").append(escape(term)).append("</dt><dd id=\"").append(id).append("\">").append(escape(value)).append("</dd>\n");
    }

    private static String addresses(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toDisplayString).collect(Collectors.joining(", "));
    }

    private static String time(Instant at) {
        return at == null ? "" : TIME.format(at);
    }
}
