package org.relaygate.browser;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One Chrome DevTools Protocol connection to the browser, over Vert.x's own WebSocket client:
 * numbered commands answered through futures, events handed to whoever waits for them. Sessions are
 * flat (Target.attachToTarget with flatten): the same socket talks to the browser and to every page,
 * a page's messages carrying its {@code sessionId}. The methods block, with {@link #TIMEOUT}: call
 * them from a test thread, never from an event loop.
 */
public final class CdpSession implements AutoCloseable {

    /** Every answer and every awaited event; long enough for a loaded CI machine, short enough to fail fast. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** A full-page PNG screenshot arrives base64-encoded in one message. */
    private static final int MAX_MESSAGE = 64 * 1024 * 1024;

    private final WebSocketClient client;
    private final WebSocket socket;
    private final AtomicLong ids = new AtomicLong();
    private final Map<Long, CompletableFuture<JsonObject>> answers = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private volatile String closedBecause;

    private record Listener(String sessionId, String method, Consumer<JsonObject> handler) {
    }

    private CdpSession(WebSocketClient client, WebSocket socket) {
        this.client = client;
        this.socket = socket;
        socket.textMessageHandler(this::onMessage);
        socket.closeHandler(v -> failAll("the DevTools connection closed"));
        socket.exceptionHandler(e -> failAll("the DevTools connection failed: " + e));
    }

    /** Connects to the browser's endpoint ({@link Chromium#webSocketUrl()}). */
    public static CdpSession connect(Vertx vertx, String webSocketUrl) {
        WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
                .setMaxFrameSize(MAX_MESSAGE)
                .setMaxMessageSize(MAX_MESSAGE));
        WebSocketConnectOptions options = new WebSocketConnectOptions()
                .setAbsoluteURI(webSocketUrl)
                .setTimeout(TIMEOUT.toMillis());
        // Chromium refuses DevTools connections that carry an Origin it does not allow; send none.
        options.setAllowOriginHeader(false);
        return new CdpSession(client, await(client.connect(options), "connecting to " + webSocketUrl));
    }

    /** A new tab, attached and with its Page, Runtime and Network domains enabled. */
    public Tab newTab() {
        String targetId = call(null, "Target.createTarget", new JsonObject().put("url", "about:blank")).getString("targetId");
        String sessionId = call(null, "Target.attachToTarget",
                new JsonObject().put("targetId", targetId).put("flatten", true)).getString("sessionId");
        return new Tab(this, targetId, sessionId);
    }

    /** Sends a command (to the browser when {@code sessionId} is null) and returns its result, or fails with its error. */
    public JsonObject call(String sessionId, String method, JsonObject params) {
        long id = ids.incrementAndGet();
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        answers.put(id, answer);
        JsonObject message = new JsonObject().put("id", id).put("method", method).put("params", params);
        if (sessionId != null) {
            message.put("sessionId", sessionId);
        }
        if (closedBecause != null) {
            answer.completeExceptionally(new IllegalStateException(closedBecause));
        } else {
            socket.writeTextMessage(message.encode());
        }
        try {
            JsonObject reply = within(answer, method);
            JsonObject error = reply.getJsonObject("error");
            if (error != null) {
                throw new AssertionError(method + " failed: " + error.getString("message") + " " + error.getValue("data", ""));
            }
            return reply.getJsonObject("result", new JsonObject());
        } finally {
            answers.remove(id);
        }
    }

    /**
     * Starts waiting for the next event {@code method} of a session; call it BEFORE what causes the
     * event (a navigation, a click), then {@link Expected#await()}, so that a fast event is not missed.
     */
    public Expected expect(String sessionId, String method) {
        CompletableFuture<JsonObject> seen = new CompletableFuture<>();
        Listener listener = new Listener(sessionId, method, seen::complete);
        listeners.add(listener);
        return new Expected(method, seen, () -> listeners.remove(listener));
    }

    /** Calls {@code handler} with the params of every event {@code method} of a session (on the event loop). */
    public void on(String sessionId, String method, Consumer<JsonObject> handler) {
        listeners.add(new Listener(sessionId, method, handler));
    }

    /** An event being waited for. */
    public static final class Expected {
        private final String method;
        private final CompletableFuture<JsonObject> seen;
        private final Runnable stopListening;

        private Expected(String method, CompletableFuture<JsonObject> seen, Runnable stopListening) {
            this.method = method;
            this.seen = seen;
            this.stopListening = stopListening;
        }

        /** The event's params; fails after {@link #TIMEOUT}. */
        public JsonObject await() {
            try {
                return within(seen, method);
            } finally {
                stopListening.run();
            }
        }
    }

    private void onMessage(String text) {
        JsonObject message = new JsonObject(text);
        Long id = message.getLong("id");
        if (id != null) {
            CompletableFuture<JsonObject> answer = answers.get(id);
            if (answer != null) {
                answer.complete(message);
            }
            return;
        }
        String method = message.getString("method");
        String sessionId = message.getString("sessionId");
        JsonObject params = message.getJsonObject("params", new JsonObject());
        for (Listener l : listeners) {
            if (l.method.equals(method) && Objects.equals(l.sessionId, sessionId)) {
                l.handler.accept(params);
            }
        }
    }

    private void failAll(String why) {
        closedBecause = why;
        answers.values().forEach(a -> a.completeExceptionally(new IllegalStateException(why)));
    }

    private static <T> T within(CompletableFuture<T> future, String what) {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AssertionError("no answer to " + what + " from Chromium within " + TIMEOUT.toSeconds() + " s");
        } catch (ExecutionException e) {
            throw new AssertionError(what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + what, e);
        }
    }

    private static <T> T await(Future<T> future, String what) {
        return within(future.toCompletionStage().toCompletableFuture(), what);
    }

    @Override
    public void close() {
        closedBecause = "closed by the test";
        try {
            await(socket.close(), "closing the DevTools connection");
        } catch (AssertionError e) {
            // The browser may already be gone; the client is closed below either way.
        }
        await(client.close(), "closing the WebSocket client");
    }
}
