package org.relaygate.web;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.LocalDate;
import java.util.Map;
import org.relaygate.web.RegistrationIntake.Invalid;
import org.relaygate.web.RegistrationIntake.Limited;
import org.relaygate.web.RegistrationIntake.Outcome;
import org.relaygate.web.RegistrationIntake.Stored;
import org.relaygate.web.RegistrationIntake.Unavailable;

/**
 * The public registration form: {@code GET /} and {@code GET /register} show it, {@code POST
 * /register} hands it to the {@link RegistrationIntake} (the checks, the hourly limit shared with
 * the JSON API, the store) and redirects to {@code /register/submitted}, which shows the reference
 * kept in the session. The session and CSRF handlers run before these routes (WebServer).
 */
final class PublicPages {

    /** The session key of the last submitted registration's id. */
    static final String REFERENCE = "registration.reference";

    private final WebShared shared;
    private final RegistrationIntake intake;

    private PublicPages(WebShared shared) {
        this.shared = shared;
        this.intake = shared.registrations();
    }

    static void mount(Router router, WebContext context, WebShared shared) {
        PublicPages pages = new PublicPages(shared);
        router.get("/").handler(ctx -> ctx.redirect("/register"));
        router.get("/register").handler(pages::showForm);
        router.post("/register").handler(pages::submit);
        router.get("/register/submitted").handler(pages::submitted);
    }

    private void showForm(RoutingContext ctx) {
        LocalDate today = intake.today();
        Html.send(ctx, 200, RegistrationPage.form(RegistrationForm.blank(today), Map.of(), Html.csrfField(ctx), today));
    }

    private void submit(RoutingContext ctx) {
        RegistrationForm form = RegistrationForm.parse(ctx.request()::getFormAttribute);
        intake.submit(form, shared.client(ctx)).onComplete(done -> {
            Outcome outcome = done.succeeded() ? done.result() : new Unavailable();
            if (outcome instanceof Stored stored) {
                ctx.session().put(REFERENCE, stored.id());
                ctx.response().setStatusCode(303).putHeader("Location", "/register/submitted").end();
            } else if (outcome instanceof Invalid invalid) {
                refuse(ctx, form, invalid.errors(), 422);
            } else if (outcome instanceof Limited limited) {
                ctx.response().putHeader("Retry-After", String.valueOf(SubmissionLimiter.WINDOW.toSeconds()));
                Html.send(ctx, 429, RegistrationPage.tooMany(limited.perHour()));
            } else {
                refuse(ctx, form, Map.of(RegistrationForm.GENERAL, RegistrationIntake.UNAVAILABLE), 503);
            }
        });
    }

    private void refuse(RoutingContext ctx, RegistrationForm form, Map<String, String> errors, int status) {
        Html.send(ctx, status, RegistrationPage.form(form, errors, Html.csrfField(ctx), intake.today()));
    }

    private void submitted(RoutingContext ctx) {
        Object reference = ctx.session().get(REFERENCE);
        if (reference instanceof Long id) {
            Html.send(ctx, 200, RegistrationPage.submitted(id));
        } else {
            Html.send(ctx, 404, RegistrationPage.nothingSubmitted());
        }
    }
}
