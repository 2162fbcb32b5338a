package org.relaygate;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A next hop for tests: a plain blocking SMTP server on a loopback port (no Vert.x, so it cannot
 * share a bug with the relay's client), answering 550 5.1.1 at RCPT for the given addresses and
 * keeping each accepted message, dot-unstuffed, CRLF as received.
 */
public final class NextHopSink implements AutoCloseable {

    /** One accepted transaction. {@code sender} is "" for the null sender. */
    public record Received(String sender, List<String> recipients, byte[] data) {
        public String text() {
            return new String(data, StandardCharsets.UTF_8);
        }
    }

    private final ServerSocket server;
    private final Set<String> reject;
    private final BlockingQueue<Received> received = new LinkedBlockingQueue<>();

    public NextHopSink(String... rejectRecipients) throws IOException {
        this(0, rejectRecipients);
    }

    /** Listens on 127.0.0.1:port (0: any free port). */
    public NextHopSink(int port, String... rejectRecipients) throws IOException {
        server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        reject = Set.of(rejectRecipients);
        Thread acceptor = new Thread(this::acceptLoop, "next-hop-sink");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The next accepted message, or null after the timeout. */
    public Received poll(long timeout, TimeUnit unit) throws InterruptedException {
        return received.poll(timeout, unit);
    }

    public int pending() {
        return received.size();
    }

    @Override
    public void close() throws IOException {
        server.close();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                Thread t = new Thread(() -> serve(s), "next-hop-session");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = new BufferedInputStream(socket.getInputStream()); OutputStream out = socket.getOutputStream()) {
            socket.setSoTimeout(30_000);
            reply(out, "220 next-hop-sink ESMTP");
            String sender = null;
            List<String> rcpts = new ArrayList<>();
            for (String line = readLine(in); line != null; line = readLine(in)) {
                String verb = (line.length() >= 4 ? line.substring(0, 4) : line).toUpperCase(Locale.ROOT);
                switch (verb) {
                    case "EHLO" -> reply(out, "250-next-hop-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 ENHANCEDSTATUSCODES");
                    case "HELO", "NOOP" -> reply(out, "250 ok");
                    case "MAIL" -> {
                        sender = address(line);
                        rcpts = new ArrayList<>();
                        reply(out, "250 2.1.0 ok");
                    }
                    case "RCPT" -> {
                        String rcpt = address(line);
                        if (reject.contains(rcpt)) {
                            reply(out, "550 5.1.1 <" + rcpt + ">: Recipient address rejected: test: no such user");
                        } else {
                            rcpts.add(rcpt);
                            reply(out, "250 2.1.5 ok");
                        }
                    }
                    case "DATA" -> {
                        if (rcpts.isEmpty()) {
                            reply(out, "554 5.5.1 no valid recipients");
                            break;
                        }
                        reply(out, "354 go ahead");
                        received.add(new Received(sender, List.copyOf(rcpts), readData(in)));
                        reply(out, "250 2.0.0 ok: queued");
                    }
                    case "RSET" -> {
                        sender = null;
                        reply(out, "250 2.0.0 ok");
                    }
                    case "QUIT" -> {
                        reply(out, "221 2.0.0 bye");
                        return;
                    }
                    default -> reply(out, "502 5.5.2 not implemented");
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String address(String line) {
        int open = line.indexOf('<');
        int close = line.indexOf('>', open + 1);
        return open < 0 || close < 0 ? "" : line.substring(open + 1, close);
    }

    private static void reply(OutputStream out, String text) throws IOException {
        out.write((text + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** A command line without its CRLF; null at end of stream. */
    private static String readLine(InputStream in) throws IOException {
        byte[] line = readRaw(in);
        if (line == null) {
            return null;
        }
        int end = line.length;
        while (end > 0 && (line[end - 1] == '\n' || line[end - 1] == '\r')) {
            end--;
        }
        return new String(line, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** One line with its line end, as sent; null at end of stream. */
    private static byte[] readRaw(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            line.write(b);
            if (b == '\n') {
                return line.toByteArray();
            }
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    /** Up to CRLF.CRLF, dot-unstuffed (RFC 5321 4.5.2). */
    private static byte[] readData(InputStream in) throws IOException {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (byte[] line = readRaw(in); line != null; line = readRaw(in)) {
            if (line.length == 3 && line[0] == '.' && line[1] == '\r' && line[2] == '\n') {
                return data.toByteArray();
            }
            int from = line.length > 0 && line[0] == '.' ? 1 : 0;
            data.write(line, from, line.length - from);
        }
        throw new IOException("connection closed inside DATA");
    }
}
