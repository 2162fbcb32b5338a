package org.relaygate.cli;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.relaygate.web.PasswordHash;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code relaygate hash-password}: reads the postmaster password (typed without echo at a terminal,
 * asked twice; else the first line of stdin) and prints the line to put in
 * {@code http.postmaster-password-hash}. The password never goes on the command line, where
 * {@code ps} and the shell history would see it.
 */
@Command(name = "hash-password",
        description = "Read the postmaster password (no echo at a terminal, else the first line of stdin) and print its hash for http.postmaster-password-hash.")
final class HashPasswordCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Console console = System.console();
        String password = console != null ? fromConsole(console)
                : firstLine(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        spec.commandLine().getOut().println(hash(password));
        return 0;
    }

    /** The hash line for the password as read; CommandFailure for an empty or overlong one. */
    static String hash(String password) {
        if (password == null || password.isEmpty()) {
            throw new CommandFailure("no password given: an empty password is refused", null);
        }
        if (password.length() > PasswordHash.MAX_PASSWORD_LENGTH) {
            throw new CommandFailure("the password is longer than " + PasswordHash.MAX_PASSWORD_LENGTH + " characters", null);
        }
        return PasswordHash.hash(password);
    }

    /** The first line (without CR/LF), read at most one character past the length bound; null at end of input. */
    static String firstLine(Reader input) throws IOException {
        BufferedReader in = new BufferedReader(input);
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() <= PasswordHash.MAX_PASSWORD_LENGTH) {
            line.append((char) c);
        }
        if (c == -1 && line.length() == 0) {
            return null;
        }
        int end = line.length();
        if (end > 0 && line.charAt(end - 1) == '\r') {
            line.setLength(end - 1);
        }
        return line.toString();
    }

    private static String fromConsole(Console console) {
        char[] first = console.readPassword("Postmaster password: ");
        char[] again = first == null || first.length == 0 ? first : console.readPassword("Again: ");
        try {
            if (first == null || first.length == 0) {
                return null;
            }
            if (!Arrays.equals(first, again)) {
                throw new CommandFailure("the two passwords differ", null);
            }
            return new String(first);
        } finally {
            if (first != null) {
                Arrays.fill(first, '\0');
            }
            if (again != null) {
                Arrays.fill(again, '\0');
            }
        }
    }
}
