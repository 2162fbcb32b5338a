package org.relaygate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.relaygate.config.HostPort;
import org.relaygate.config.RelaygateConfig;
import org.relaygate.policy.Cidr;
import org.relaygate.policy.RegistrationStatus;
import org.relaygate.registry.Actor;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/** Option parsing and usage errors: nothing here opens a registry. */
class CliParsingTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private CommandLine cli(Map<String, String> env) {
        return Cli.commandLine(env, new PrintWriter(out), new PrintWriter(err));
    }

    /** Parses and returns the last (sub)command's object. */
    @SuppressWarnings("unchecked")
    private <T> T parse(String... args) {
        ParseResult result = cli(Map.of()).parseArgs(args);
        while (result.subcommand() != null) {
            result = result.subcommand();
        }
        return (T) result.commandSpec().userObject();
    }

    private int run(String... args) {
        return Cli.run(args, Map.of(), new PrintWriter(out), new PrintWriter(err));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "--db /r/db list --status ACTIVE",
        "list --db /r/db --status ACTIVE",
        "list --status ACTIVE --db /r/db",
        "list --status=active --db=/r/db",
    })
    void globalOptionsGoAnywhere(String line) {
        ListCommand list = parse(line.split(" "));
        assertEquals(RegistrationStatus.ACTIVE, list.status);
        assertEquals("/r/db", list.root().db);
    }

    @Test
    void nestedSubcommandsInheritTheGlobalOptionsToo() {
        NetworkCommands.Add add = parse("networks", "add", "10.0.0.0/8", "--db", "jdbc:h2:mem:x", "--actor", "alice",
                "--description", "campus");
        assertEquals(Cidr.parse("10.0.0.0/8"), add.cidr);
        assertEquals("campus", add.description);
        assertEquals("jdbc:h2:mem:x", add.root().db);
        assertEquals(new Actor("alice", "cli"), add.root().actor("cli"));
        assertEquals(org.relaygate.registry.NetworkKind.DYNAMIC_POOL,
                this.<NetworkCommands.ListNetworks>parse("pools", "list").group.kind());
    }

    @Test
    void actorDefaultsToTheOsUserAndSqlIsItsOwnSource() {
        SqlCommand sql = parse("sql", "SELECT 1");
        assertEquals(new Actor(System.getProperty("user.name"), "sql"), sql.actor());
        StatusCommands.Approve approve = parse("approve", "7");
        assertEquals(7L, approve.id);
        assertEquals(new Actor(System.getProperty("user.name"), "cli"), approve.actor());
    }

    @Test
    void registerTakesRepeatedAndCommaSeparatedAddressesAsRawText() {
        RegisterCommand r = parse("register", "--unit", "Physics", "--contact", "p@example.edu", "--device", "printer",
                "--reason", "no AUTH", "--signed-by", "Jane", "--signed-on", "2026-02-27", "--ip", "192.0.2.7",
                "--ip", "2001:db8::/64,192.0.2.8", "--notes", "room 1");
        assertEquals(List.of("192.0.2.7", "2001:db8::/64", "192.0.2.8"), r.addresses);
        assertEquals(LocalDate.parse("2026-02-27"), r.signedOn);
        assertEquals("room 1", r.notes);
    }

    @Test
    void blockUntilIsParsedIntoAnInstant() {
        Instant before = Instant.now();
        BlockCommands.Block b = parse("block", "192.0.2.0/24", "--reason", "spam", "--until", "2h");
        assertEquals(Cidr.parse("192.0.2.0/24"), b.cidr);
        assertTrue(!b.until.isBefore(before.plus(Duration.ofHours(2))) && b.until.isBefore(Instant.now().plus(Duration.ofHours(2)).plusSeconds(1)));
        BlockCommands.Block forever = parse("block", "2001:db8::1", "--reason", "spam");
        assertNull(forever.until);
    }

    @Test
    void configComesFromFileEnvironmentThenFlags(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("relaygate.properties");
        Files.writeString(file, "db=/from/file\npolicy.listen=127.0.0.1:1111\nregistry.poll-interval=250ms\n");
        ParseResult result = cli(Map.of("RELAYGATE_POLICY_LISTEN", "127.0.0.1:2222"))
                .parseArgs("serve", "--config", file.toString(), "--db", "/from/flag");
        RelaygateCommand root = (RelaygateCommand) result.commandSpec().userObject();
        RelaygateConfig fromFlags = root.config(null);
        assertEquals("/from/flag", fromFlags.db());
        assertEquals(new HostPort("127.0.0.1", 2222), fromFlags.policyListen());
        assertEquals(Duration.ofMillis(250), fromFlags.registryPollInterval());
        assertEquals(new HostPort("127.0.0.1", 0), root.config("127.0.0.1:0").policyListen());
    }

    @Test
    void serveFlagsSetTheRelayKeys() {
        ServeCommand serve = parse("serve", "--smtp-listen", "127.0.0.1:2525", "--next-hop", "[::1]:25", "--spool", "/var/spool/rg",
                "--policy-listen", "off");
        RelaygateConfig config = serve.config();
        assertEquals(new HostPort("127.0.0.1", 2525), config.smtp().listen());
        assertEquals(new HostPort("::1", 25), config.delivery().nextHop());
        assertEquals("/var/spool/rg", config.delivery().spoolDir());
        assertNull(config.policyListen(), "--policy-listen off");
        RelaygateConfig defaults = this.<ServeCommand>parse("serve").config();
        assertNull(defaults.smtp().listen(), "the relay is off unless asked for");
        assertEquals(new HostPort("127.0.0.1", 10040), defaults.policyListen());
        assertNull(defaults.delivery().nextHop());
        assertEquals("./data/spool", defaults.delivery().spoolDir());
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "queue --spool /s show q1    | q1",
        "queue show q1 --spool /s    | q1",
        "--spool /s queue show q1    | ",
    })
    void queueTakesItsSpoolBeforeOrAfterTheSubcommand(String line, String id) {
        if (id == null) {
            // --spool belongs to queue (and serve), not to the top command.
            assertEquals(2, run(line.split(" ")));
            assertOneLine("Unknown options: '--spool'");
            return;
        }
        QueueCommands.Show show = parse(line.split(" "));
        assertEquals(id, show.id);
        assertEquals("/s", show.queue.spool);
    }

    @Test
    void queueRetryTakesAnOptionalId() {
        assertNull(this.<QueueCommands.Retry>parse("queue", "retry").id);
        assertEquals("q7", this.<QueueCommands.Retry>parse("queue", "retry", "q7").id);
        assertEquals("q8", this.<QueueCommands.Delete>parse("queue", "delete", "q8").id);
        assertNull(this.<QueueCommands.ListQueue>parse("queue", "list").queue.spool);
    }

    @Test
    void withoutFlagsTheDefaultsApply() {
        ListCommand list = parse("list");
        RelaygateConfig config = list.root().config(null);
        assertEquals("./data", config.db());
        assertNull(list.status);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "''                                                  | missing command",
        "frobnicate                                          | Unmatched argument",
        "list --status bogus                                 | --status",
        "list --bogus                                        | Unknown option: '--bogus'",
        "approve                                             | Missing required parameter: 'ID'",
        "approve twelve                                      | 'twelve' is not a long",
        "suspend 3                                           | Missing required option: '--reason=R'",
        "register --unit U                                   | Missing required options",
        "register --unit U --contact c --device d --reason r --signed-by s --signed-on 2026-02-30 --ip 192.0.2.1 | not a date",
        "block 192.0.2.7/24 --reason x                       | has host bits set; did you mean 192.0.2.0/24?",
        "block 192.0.2.300 --reason x                        | not an IP address or CIDR",
        "block 192.0.2.0/24 --reason x --until tomorrow      | not a time",
        "block 192.0.2.0/24 --reason x --until 2020-01-01    | not in the future",
        "block 192.0.2.0/24                                  | Missing required option: '--reason=R'",
        "unblock not-an-ip                                   | not an IP address or CIDR",
        "check 192.0.2.0/24                                  | not an IP address",
        "networks                                            | missing subcommand",
        "networks add                                        | Missing required parameter: 'CIDR'",
        "pools remove 10.0.0.1/8                             | host bits",
        "audit --limit x                                     | 'x' is not an int",
        "list --db a --db b                                  | should be specified only once",
        "queue                                               | missing subcommand: list, show, retry or delete",
        "queue show                                          | Missing required parameter: 'ID'",
        "queue delete                                        | Missing required parameter: 'ID'",
        "queue retry a b                                     | Unmatched argument",
        "queue list extra                                    | Unmatched argument",
        "queue flush                                         | Unmatched argument",
        "serve --smtp-listen                                 | Missing required parameter for option '--smtp-listen'",
    })
    void usageErrorsAreOneLineOnStderrAndExitTwo(String line, String expected) {
        int code = run(line.isEmpty() ? new String[0] : line.split(" "));
        assertEquals(2, code, err.toString());
        assertEquals("", out.toString());
        assertOneLine(expected);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', value = {
        "audit --limit 0                          | --limit must be between 1 and 100000",
        "show 1 --audit -1                        | --audit must be between 0 and 100000",
        "sql SELECT * FROM registrations          | quote the statement as one argument",
        "list --config /nonexistent/relaygate.properties | cannot read config file",
        "list --actor ''                          | --actor must not be empty",
        "queue list --spool /nonexistent/spool    | no spool at /nonexistent/spool: give --spool DIR or set spool.dir",
        "queue show q1 --spool /nonexistent/spool | no spool at /nonexistent/spool",
        "queue list --config /nonexistent/relaygate.properties | cannot read config file",
        "serve --smtp-listen 127.0.0.1 --policy-listen off | smtp.listen: expected HOST:PORT",
        "serve --next-hop nowhere                 | delivery.next-hop: expected HOST:PORT",
        "serve --policy-listen off                | cannot start: nothing to serve: policy.listen and smtp.listen are both off",
    })
    void refusalsBeforeOpeningTheRegistryExitOne(String line, String expected) {
        String[] args = line.contains("''") ? new String[] {"list", "--actor", ""} : line.split(" ");
        int code = run(args);
        assertEquals(1, code, err.toString());
        assertEquals("", out.toString());
        assertOneLine(expected);
    }

    @Test
    void helpGoesToStdoutAndExitsZero() {
        assertEquals(0, run("register", "--help"));
        assertTrue(out.toString().contains("--signed-by=NAME"), out.toString());
        assertTrue(out.toString().contains("--db=DIR_OR_JDBC_URL"), "global options show in every command's help");
        assertEquals("", err.toString());
    }

    @Test
    void topLevelHelpListsEveryCommandOfTheIssue() {
        assertEquals(0, run("help"));
        for (String command : List.of("serve", "register", "approve", "suspend", "revoke", "block", "unblock", "blocks",
                "list", "show", "check", "networks", "pools", "audit", "sql", "queue")) {
            assertTrue(out.toString().lines().anyMatch(l -> l.startsWith("  " + command + " ")), command + " missing:\n" + out);
        }
    }

    private void assertOneLine(String expected) {
        String text = err.toString();
        assertEquals(1, text.lines().count(), text);
        assertTrue(text.startsWith("relaygate: "), text);
        assertTrue(text.contains(expected), text);
        assertTrue(!text.contains("\tat ") && !text.contains("Exception"), text);
    }
}
