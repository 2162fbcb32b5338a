package org.relaygate.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.relaygate.RelaygateService;
import org.relaygate.config.HostPort;
import org.relaygate.config.HttpSettings;
import org.relaygate.config.RelaygateConfig;

/** The listener's own bounds on raw sockets: connections beyond http.max-connections, an over-long request line. */
@ExtendWith(VertxExtension.class)
class WebServerLimitsTest {

    @TempDir
    Path dir;

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private RelaygateService start(Vertx vertx, int maxConnections) throws Exception {
        RelaygateConfig base = RelaygateConfig.load(null, Map.of(), Map.of(
                "db", dir.toString(), "policy.listen", "127.0.0.1:0"));
        HttpSettings h = base.http();
        return await(RelaygateService.start(vertx, base.withHttp(new HttpSettings(new HostPort("127.0.0.1", 0),
                h.maxBodySize(), maxConnections, Duration.ofSeconds(30), h.submissionsPerHour(),
                h.postmasterPasswordHash(), h.sessionTimeout(), false, "", ""))));
    }

    /** Sends {@code request} and reads the answer until the server closes or goes quiet for 1 s. */
    private static String exchange(Socket socket, String request) throws IOException {
        socket.setSoTimeout(1000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream();
        StringBuilder answer = new StringBuilder();
        byte[] buf = new byte[4096];
        try {
            for (int n; (n = in.read(buf)) > 0; ) {
                answer.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
            }
        } catch (SocketTimeoutException e) {
            // keep-alive: the answer is complete, the connection stays open
        }
        return answer.toString();
    }

    @Test
    void connectionsBeyondTheLimitAreClosed(Vertx vertx) throws Exception {
        RelaygateService service = start(vertx, 1);
        try (Socket first = new Socket("127.0.0.1", service.httpPort())) {
            assertTrue(exchange(first, "GET /register HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200"));
            try (Socket second = new Socket("127.0.0.1", service.httpPort())) {
                assertEquals("", exchange(second, "GET /register HTTP/1.1\r\nHost: x\r\n\r\n"), "closed without an answer");
            }
        }
        // the first one's close frees its place
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String answer = "";
        while (!answer.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline) {
            try (Socket again = new Socket("127.0.0.1", service.httpPort())) {
                answer = exchange(again, "GET /register HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            }
        }
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        await(service.stop());
    }

    @Test
    void anOverlongRequestLineIsRefused(Vertx vertx) throws Exception {
        RelaygateService service = start(vertx, 4);
        try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
            String answer = exchange(socket, "GET /" + "a".repeat(5000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertTrue(answer.matches("(?s)HTTP/1\\.[01] 414 .*"), answer);
            assertTrue(!answer.contains("Exception"), answer);
        }
        await(service.stop());
    }
}
