package org.relaygate;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A blocking SMTP client for socket tests, from a chosen loopback source address (Linux routes all
 * of 127.0.0.0/8 to lo, so 127.0.0.2 and 127.0.0.3 are two different clients to the relay).
 */
public final class SmtpTestClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    private SmtpTestClient(Socket socket) throws IOException {
        this.socket = socket;
        socket.setSoTimeout(20_000);
        this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        this.out = socket.getOutputStream();
    }

    /** Connects from {@code source} to 127.0.0.1:port; the greeting is read by {@link #greeting()}. */
    public static SmtpTestClient connect(String source, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        return new SmtpTestClient(s);
    }

    public String greeting() throws IOException {
        return reply();
    }

    /** Sends one command line and returns the whole reply, its lines joined by "\n". */
    public String command(String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        return reply();
    }

    /** Sends message text (CRLF lines, already dot-stuffed) and the final dot; the reply. */
    public String data(byte[] message) throws IOException {
        out.write(message);
        out.write(".\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return reply();
    }

    /** One reply: lines up to the one whose fourth character is a space. */
    private String reply() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            String line = in.readLine();
            if (line == null) {
                throw new IOException("connection closed; reply so far: " + sb);
            }
            sb.append(sb.length() == 0 ? "" : "\n").append(line);
            if (line.length() < 4 || line.charAt(3) != '-') {
                return sb.toString();
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
