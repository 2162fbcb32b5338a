package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramPacket;
import io.vertx.core.datagram.DatagramSocket;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A DNS server for tests, on UDP loopback: answers MX and A questions from a table, NOERROR with no
 * answer for a known name without that type, NXDOMAIN for an unknown name. Just enough of RFC 1035
 * 4.1 for Vert.x's DNS client.
 */
final class TinyDns {

    private static final int A = 1;
    private static final int MX = 15;

    /** name -> (type -> answers): for MX "10 mx.example.test", for A "127.0.0.1". */
    private final Map<String, Map<Integer, List<String>>> zone = new ConcurrentHashMap<>();
    private final DatagramSocket socket;

    TinyDns(Vertx vertx) {
        socket = vertx.createDatagramSocket();
    }

    Future<TinyDns> start() {
        return socket.listen(0, "127.0.0.1").map(s -> {
            s.handler(this::answer);
            return this;
        });
    }

    int port() {
        return socket.localAddress().port();
    }

    Future<Void> stop() {
        return socket.close();
    }

    TinyDns mx(String name, String... preferenceAndHost) {
        zone.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(MX, List.of(preferenceAndHost));
        return this;
    }

    TinyDns a(String name, String ip) {
        zone.computeIfAbsent(name, n -> new ConcurrentHashMap<>()).put(A, List.of(ip));
        return this;
    }

    private void answer(DatagramPacket packet) {
        Buffer q = packet.data();
        StringBuilder name = new StringBuilder();
        int pos = 12;
        for (int len = q.getUnsignedByte(pos); len > 0; len = q.getUnsignedByte(pos)) {
            name.append(name.length() > 0 ? "." : "").append(q.getString(pos + 1, pos + 1 + len));
            pos += 1 + len;
        }
        int questionEnd = pos + 5; // the root label, QTYPE, QCLASS
        int type = q.getUnsignedShort(pos + 1);
        Map<Integer, List<String>> records = zone.get(name.toString().toLowerCase(Locale.ROOT));
        List<String> answers = records == null ? List.of() : records.getOrDefault(type, List.of());
        Buffer r = Buffer.buffer()
                .appendUnsignedShort(q.getUnsignedShort(0))
                .appendUnsignedShort(0x8480 | (q.getUnsignedShort(2) & 0x0100) | (records == null ? 3 : 0))
                .appendUnsignedShort(1).appendUnsignedShort(answers.size()).appendUnsignedShort(0).appendUnsignedShort(0)
                .appendBuffer(q.getBuffer(12, questionEnd));
        for (String answer : answers) {
            Buffer data = type == MX ? mxData(answer) : aData(answer);
            r.appendUnsignedShort(0xC00C).appendUnsignedShort(type).appendUnsignedShort(1)
                    .appendInt(60).appendUnsignedShort(data.length()).appendBuffer(data);
        }
        socket.send(r, packet.sender().port(), packet.sender().host());
    }

    private static Buffer mxData(String preferenceAndHost) {
        String[] parts = preferenceAndHost.split(" ", 2);
        Buffer b = Buffer.buffer().appendUnsignedShort(Integer.parseInt(parts[0]));
        for (String label : parts[1].split("\\.")) {
            if (!label.isEmpty()) {
                b.appendUnsignedByte((short) label.length()).appendString(label);
            }
        }
        return b.appendUnsignedByte((short) 0);
    }

    private static Buffer aData(String ip) {
        Buffer b = Buffer.buffer();
        for (String octet : ip.split("\\.")) {
            b.appendUnsignedByte(Short.parseShort(octet));
        }
        return b;
    }
}
