package org.relaygate.web;

import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.time.LocalDate;
import java.util.Map;
import org.relaygate.policy.IpAddress;
import org.relaygate.registry.Actor;
import org.relaygate.registry.RegistryException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public registration form: {@code GET /} and {@code GET /register} show it, {@code POST
 * /register} checks it (the registry's rules, then the form's own), stores a PENDING registration
 * and redirects to {@code /register/submitted}, which shows the reference kept in the session.
 * The session and CSRF handlers run before these routes (WebServer).
 */
final class PublicPages {

    private static final Logger log = LoggerFactory.getLogger(PublicPages.class);
    /** The session key of the last submitted registration's id. */
    static final String REFERENCE = "registration.reference";

    private final WebContext context;
    private final SubmissionLimiter limiter;
    private final Clock clock;

    private PublicPages(WebContext context, Clock clock) {
        this.context = context;
        this.clock = clock;
        this.limiter = new SubmissionLimiter(context.config().http().submissionsPerHour(), clock);
    }

    static void mount(Router router, WebContext context) {
        PublicPages pages = new PublicPages(context, Clock.systemDefaultZone());
        router.get("/").handler(ctx -> ctx.redirect("/register"));
        router.get("/register").handler(pages::showForm);
        router.post("/register").handler(pages::submit);
        router.get("/register/submitted").handler(pages::submitted);
    }

    private void showForm(RoutingContext ctx) {
        LocalDate today = LocalDate.now(clock);
        Html.send(ctx, 200, RegistrationPage.form(RegistrationForm.blank(today), Map.of(), Html.csrfField(ctx), today));
    }

    private void submit(RoutingContext ctx) {
        String client = clientAddress(ctx.request().remoteAddress());
        int perHour = context.config().http().submissionsPerHour();
        if (limiter.exhausted(client)) {
            tooMany(ctx, client, perHour);
            return;
        }
        LocalDate today = LocalDate.now(clock);
        RegistrationForm form = RegistrationForm.parse(ctx.request()::getFormAttribute);
        Map<String, String> errors = form.errors(context.registry().formErrors(form.toRegistration()), today);
        if (!errors.isEmpty()) {
            refuse(ctx, form, errors, 422);
            return;
        }
        // Counted once the form is complete: only those reach the database; typos cost a client nothing.
        if (!limiter.tryAcquire(client)) {
            tooMany(ctx, client, perHour);
            return;
        }
        Actor actor = new Actor("web form from " + client, "web");
        context.registry().register(form.toRegistration(), actor).onComplete(done -> {
            if (done.succeeded()) {
                accepted(ctx, client, done.result());
            } else {
                refusedByRegistry(ctx, form, client, done.cause());
            }
        });
    }

    private void accepted(RoutingContext ctx, String client, long id) {
        log.info("client={} web-registration={} status=PENDING", client, id);
        ctx.session().put(REFERENCE, id);
        ctx.response().setStatusCode(303).putHeader("Location", "/register/submitted").end();
    }

    /** The database checks' refusals name an address; anything else is trouble the visitor cannot fix. */
    private void refusedByRegistry(RoutingContext ctx, RegistrationForm form, String client, Throwable cause) {
        if (cause instanceof RegistryException && form.aboutAddresses(cause.getMessage())) {
            refuse(ctx, form, Map.of("addresses", cause.getMessage()), 422);
            return;
        }
        log.warn("client={} web registration not stored: {}", client, cause.getMessage());
        refuse(ctx, form, Map.of(RegistrationForm.GENERAL,
                "the registration could not be stored just now; please try again later"), 503);
    }

    private void refuse(RoutingContext ctx, RegistrationForm form, Map<String, String> errors, int status) {
        Html.send(ctx, status, RegistrationPage.form(form, errors, Html.csrfField(ctx), LocalDate.now(clock)));
    }

    private void tooMany(RoutingContext ctx, String client, int perHour) {
        log.info("client={} web-registration refused=submissions-per-hour limit={}", client, perHour);
        ctx.response().putHeader("Retry-After", String.valueOf(SubmissionLimiter.WINDOW.toSeconds()));
        Html.send(ctx, 429, RegistrationPage.tooMany(perHour));
    }

    private void submitted(RoutingContext ctx) {
        Object reference = ctx.session().get(REFERENCE);
        if (reference instanceof Long id) {
            Html.send(ctx, 200, RegistrationPage.submitted(id));
        } else {
            Html.send(ctx, 404, RegistrationPage.nothingSubmitted());
        }
    }

    /** The peer's IP in canonical form (IPv6 compressed), as the policy server and the relay log it. */
    static String clientAddress(SocketAddress remote) {
        String host = remote == null ? null : remote.hostAddress();
        IpAddress ip = host == null ? null : IpAddress.parseOrNull(host);
        return ip != null ? ip.toString() : host == null ? "unknown" : host;
    }
}
