package org.relaygate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.relaygate.policyd.PolicyClient.rcpt;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.metrics.Exposition;
import org.relaygate.metrics.Health;
import org.relaygate.metrics.ServiceGauges;
import org.relaygate.policyd.PolicyClient;
import org.relaygate.registry.Actor;
import org.relaygate.registry.NewRegistration;
import org.relaygate.registry.Registry;

/**
 * /metrics and /health of a real service on a real H2 file: policy requests over TCP show up in
 * the counters, the latency histogram and the open connections gauge; /health is ready with its
 * listeners, and not ready once stopping begins.
 */
@ExtendWith(VertxExtension.class)
class OpsEndpointsTest {

    private static final Actor ADMIN = new Actor("postmaster", "cli");

    @TempDir
    Path dir;

    private RelaygateConfig config() {
        return RelaygateConfig.load(null, Map.of(), Map.of("db", dir.toString(), "policy.listen", "127.0.0.1:0",
                "http.listen", "127.0.0.1:0", "registry.poll-interval", "200ms"));
    }

    @Test
    void metricsCountThePolicyRequestsAndHealthIsReadyUntilStopping(Vertx vertx) throws Exception {
        Registry admin = await(Registry.open(vertx, config()));
        long id = await(admin.register(new NewRegistration("Physics", "physics-it@example.edu", "Copier room 12",
                "no SMTP AUTH", "Dr. Head", LocalDate.of(2024, 5, 1), List.of("192.0.2.10"), null), ADMIN));
        await(admin.approve(id, ADMIN));
        await(admin.close());

        RelaygateService service = await(RelaygateService.start(vertx, config()));
        WebClient web = WebClient.create(vertx);
        try (PolicyClient postfix = PolicyClient.connect(service.policyPort())) {
            assertEquals("action=OK\n\n", postfix.ask(rcpt("192.0.2.10")));
            assertTrue(postfix.ask(rcpt("198.51.100.7")).startsWith("action=REJECT 5.7.1 Client 198.51.100.7 is not registered"));

            HttpResponse<Buffer> metrics = await(web.get(service.httpPort(), "127.0.0.1", "/metrics").send());
            assertEquals(200, metrics.statusCode());
            assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.getHeader("Content-Type"));
            Exposition e = Exposition.parse(metrics.bodyAsString());
            assertEquals(1, e.value("relaygate_policy_decisions_total{action=\"OK\",reason=\"registered\"}"));
            assertEquals(1, e.value("relaygate_policy_decisions_total{action=\"REJECT\",reason=\"not-registered\"}"));
            double decided = e.samples().entrySet().stream()
                    .filter(s -> s.getKey().startsWith("relaygate_policy_decisions_total{"))
                    .mapToDouble(Map.Entry::getValue).sum();
            assertEquals(2, decided, "exactly the two requests");
            assertEquals(2, e.value("relaygate_policy_request_duration_seconds_count"));
            assertEquals(2, e.value("relaygate_policy_request_duration_seconds_bucket{le=\"+Inf\"}"));
            assertTrue(e.value("relaygate_policy_request_duration_seconds_sum") > 0);
            assertEquals(1, e.value("relaygate_policy_connections"), "the one open Postfix connection");
            assertEquals(service.snapshot().revision(), e.value("relaygate_registry_revision"));
            assertEquals(1, e.value("relaygate_registry_entries{kind=\"live\"}"));
            assertEquals(0, e.value("relaygate_registry_read_failures_total"));
            assertTrue(e.value("relaygate_snapshot_age_seconds") < 60);
            assertEquals(1, e.value("relaygate_ready"));
            assertTrue(!e.samples().containsKey("relaygate_smtp_connections"), "the relay is off");

            HttpResponse<Buffer> health = await(web.get(service.httpPort(), "127.0.0.1", "/health").send());
            assertEquals(200, health.statusCode());
            JsonObject body = health.bodyAsJsonObject();
            assertEquals("ready", body.getString("status"));
            assertEquals("ok", body.getString("registry"));
            assertEquals(service.snapshot().revision(), body.getLong("revision"));
            assertEquals("127.0.0.1:" + service.policyPort(), body.getJsonObject("listeners").getString("policy"));
            assertEquals("127.0.0.1:" + service.httpPort(), body.getJsonObject("listeners").getString("http"));

            HttpResponse<Buffer> head = await(web.request(HttpMethod.HEAD, service.httpPort(), "127.0.0.1", "/health").send());
            assertEquals(200, head.statusCode());
            assertTrue(head.body() == null || head.body().length() == 0, "HEAD: no body");
            HttpResponse<Buffer> post = await(web.post(service.httpPort(), "127.0.0.1", "/metrics").send());
            assertEquals(405, post.statusCode());
            assertEquals("GET, HEAD", post.getHeader("Allow"));
        } finally {
            web.close();
            Future<Void> stopping = service.stop();
            ServiceGauges gauges = service.gauges();
            assertEquals(ServiceGauges.State.STOPPING, gauges.state());
            Health health = Health.of(gauges, Instant.now());
            assertEquals(503, health.httpStatus());
            assertEquals("stopping", health.body().get("status"));
            await(stopping);
        }
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }
}
