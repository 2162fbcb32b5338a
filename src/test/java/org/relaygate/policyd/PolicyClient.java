package org.relaygate.policyd;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A blocking test client on a real loopback socket, used from the test thread (never an event loop),
 * the way Postfix's smtpd talks to a policy server: send a request, read the reply.
 *
 * <p>To prove that nothing follows a reply, a test half-closes ({@link #finish}) and reads to the
 * end of the stream: the server closes on end of input, so every byte it ever sent is in hand,
 * without waiting a guessed time for "nothing".
 */
public final class PolicyClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 5_000;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private PolicyClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    public static PolicyClient connect(int port) throws IOException {
        return connect(InetAddress.getLoopbackAddress(), port);
    }

    public static PolicyClient connect(InetAddress address, int port) throws IOException {
        return new PolicyClient(new Socket(address, port));
    }

    /** A request shaped like one from Postfix 3.x smtpd, with the given overrides (null removes). */
    public static String request(Map<String, String> overrides) {
        java.util.LinkedHashMap<String, String> a = new java.util.LinkedHashMap<>();
        a.put("request", "smtpd_access_policy");
        a.put("protocol_state", "RCPT");
        a.put("protocol_name", "ESMTP");
        a.put("client_address", "192.0.2.1");
        a.put("client_name", "printer.example.org");
        a.put("client_port", "40000");
        a.put("reverse_client_name", "printer.example.org");
        a.put("server_address", "192.0.2.250");
        a.put("server_port", "25");
        a.put("helo_name", "printer");
        a.put("sender", "scanner@example.org");
        a.put("recipient", "someone@example.net");
        a.put("recipient_count", "0");
        a.put("queue_id", "");
        a.put("instance", "123.456.7");
        a.put("size", "0");
        a.put("etrn_domain", "");
        a.put("stress", "");
        a.put("sasl_method", "");
        a.put("sasl_username", "");
        a.put("ccert_subject", "");
        a.put("encryption_protocol", "");
        a.put("policy_context", "");
        a.put("compatibility_level", "3.6");
        for (Map.Entry<String, String> e : overrides.entrySet()) {
            if (e.getValue() == null) {
                a.remove(e.getKey());
            } else {
                a.put(e.getKey(), e.getValue());
            }
        }
        StringBuilder sb = new StringBuilder();
        a.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.append('\n').toString();
    }

    public static String rcpt(String clientAddress) {
        return request(Map.of("client_address", clientAddress));
    }

    public PolicyClient send(String text) throws IOException {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public PolicyClient send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** Reads one reply: everything up to and including the first empty line. */
    public String readReply() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        int previous = -1;
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after " + got.size() + " bytes: " + got.toString(StandardCharsets.UTF_8));
            }
            got.write(b);
            if (b == '\n' && previous == '\n') {
                return got.toString(StandardCharsets.UTF_8);
            }
            previous = b;
        }
    }

    /** Sends one request and reads its reply. */
    public String ask(String request) throws IOException {
        return send(request).readReply();
    }

    /** Half-closes our side, then reads until the server closes: every byte the server still sends. */
    public String finish() throws IOException {
        socket.shutdownOutput();
        return readToEnd();
    }

    /**
     * Reads until the server closes the connection. A reset counts as closed: a server that closes
     * with our bytes still unread in its socket makes the kernel answer with RST instead of FIN.
     */
    public String readToEnd() throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                got.write(buffer, 0, n);
            }
        } catch (SocketException e) {
            if (!String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
        return got.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
