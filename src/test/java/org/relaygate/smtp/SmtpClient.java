package org.relaygate.smtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A blocking SMTP client on a real loopback socket, for the test thread (never an event loop). It
 * writes raw bytes, so a test controls pipelining and line ends exactly, and reads whole replies.
 */
final class SmtpClient implements AutoCloseable {

    private static final int READ_TIMEOUT_MILLIS = 10_000;

    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private SmtpClient(Socket socket) throws IOException {
        use(socket);
    }

    /** Connects from {@code from} (any 127.0.0.0/8 address works on Linux) to the relay. */
    static SmtpClient connect(String from, int port) throws IOException {
        return new SmtpClient(new Socket(InetAddress.getLoopbackAddress(), port, InetAddress.getByName(from), 0));
    }

    private void use(Socket s) throws IOException {
        socket = s;
        socket.setSoTimeout(READ_TIMEOUT_MILLIS);
        socket.setTcpNoDelay(true);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    /** Writes the text as it is, in one write (ISO-8859-1: one byte per char). */
    SmtpClient write(String raw) throws IOException {
        out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return this;
    }

    /** One command with CRLF, then its reply. */
    String send(String command) throws IOException {
        write(command + "\r\n");
        return reply();
    }

    /** Sends a command and checks the start of its reply. */
    SmtpClient expect(String command, String replyPrefix) throws IOException {
        String reply = send(command);
        assertTrue(reply.startsWith(replyPrefix), () -> command + ": expected " + replyPrefix + "... but got " + reply);
        return this;
    }

    /** One whole reply (all its lines, CRLFs included), or "" at end of stream. */
    String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = line();
            if (line == null) {
                return sb.toString();
            }
            sb.append(line).append("\r\n");
            if (line.length() < 4 || line.charAt(3) != '-') {
                return sb.toString();
            }
        }
    }

    /** Reads a reply and checks its start. */
    SmtpClient expectReply(String replyPrefix) throws IOException {
        String reply = reply();
        assertTrue(reply.startsWith(replyPrefix), () -> "expected " + replyPrefix + "... but got " + reply);
        return this;
    }

    private String line() throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0) {
            if (c == '\n') {
                String s = line.toString(StandardCharsets.ISO_8859_1);
                assertTrue(s.endsWith("\r"), "reply line without CR: " + s);
                return s.substring(0, s.length() - 1);
            }
            line.write(c);
        }
        assertEquals(0, line.size(), "a reply cut short");
        return null;
    }

    /** Reads to the end of the stream (the server closed): whatever came, then proves the close. */
    String readToEnd() throws IOException {
        try {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (SocketException e) {
            return ""; // reset: closed too
        }
    }

    /** Starts TLS over the connection (after the server's 220), trusting any certificate: a test's self-signed one. */
    SSLSocket startTls() throws IOException, GeneralSecurityException {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new TrustAll()}, null);
        SSLSocket tls = (SSLSocket) context.getSocketFactory().createSocket(socket, "localhost", socket.getPort(), true);
        tls.setUseClientMode(true);
        tls.startHandshake();
        use(tls);
        return tls;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private static final class TrustAll implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
