package org.relaygate.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.relaygate.policy.Action;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.Decision;
import org.relaygate.policy.Reason;
import org.relaygate.policyd.PolicyCodec;

/**
 * The policy protocol without I/O: one request as Postfix 3.7 sends it at RCPT (26 attribute lines
 * and the empty line), parsed by one codec the way a connection reuses it; and a reply formatted.
 */
@State(Scope.Thread)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 6, time = 1)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PolicyCodecBenchmark {

    /** SMTPD_POLICY_README's attribute list with the values a typical relayed message carries. */
    static final String[] REQUEST = {
        "request=smtpd_access_policy",
        "protocol_state=RCPT",
        "protocol_name=ESMTP",
        "helo_name=printer-3.lab.example.edu",
        "queue_id=8045F2AB23",
        "sender=scanner@lab.example.edu",
        "recipient=someone@example.org",
        "recipient_count=0",
        "client_address=192.0.2.17",
        "client_name=printer-3.lab.example.edu",
        "reverse_client_name=printer-3.lab.example.edu",
        "instance=123.456.7",
        "sasl_method=",
        "sasl_username=",
        "sasl_sender=",
        "size=48213",
        "ccert_subject=",
        "ccert_issuer=",
        "ccert_fingerprint=",
        "ccert_pubkey_fingerprint=",
        "encryption_protocol=TLSv1.3",
        "encryption_cipher=TLS_AES_256_GCM_SHA384",
        "encryption_keysize=256",
        "etrn_domain=",
        "stress=",
        "server_address=198.51.100.25",
        "",
    };

    private final PolicyCodec codec = new PolicyCodec(100, 4096, 64 * 1024);
    private final Decision ok = new Decision(Action.OK, "", Reason.REGISTERED, 4711, Cidr.parse("192.0.2.17/32"));
    private final Decision reject = new Decision(Action.REJECT,
            "5.7.1 Relay registration #4711 for 192.0.2.17 is suspended: open relay found; contact the postmaster",
            Reason.SUSPENDED, 4711, Cidr.parse("192.0.2.17/32"));

    @Benchmark
    public PolicyCodec.Result parseRequest() {
        PolicyCodec.Result last = null;
        for (String line : REQUEST) {
            last = codec.onLine(line);
        }
        if (!(last instanceof PolicyCodec.Complete)) {
            throw new IllegalStateException("not complete: " + last);
        }
        return last;
    }

    @Benchmark
    public byte[] formatOk() {
        return PolicyCodec.encodeBytes(ok);
    }

    @Benchmark
    public byte[] formatReject() {
        return PolicyCodec.encodeBytes(reject);
    }
}
