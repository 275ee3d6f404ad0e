package net.edgegw.core.security;

import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Reads a new password for the {@code set-password} commands: from the terminal (twice) or from standard input. */
public final class PasswordInput {

    private PasswordInput() {
    }

    /**
     * @param stdin  read the first line of standard input instead of the terminal
     * @param prompt the terminal prompt, e.g. {@code "New password: "}
     * @param err    where a refusal is explained
     * @return the password, or null when there is no terminal, the two entries differ or the password is shorter
     *         than {@link PasswordHash#MIN_LENGTH} (explained on {@code err})
     */
    public static char[] read(boolean stdin, String prompt, PrintWriter err) throws IOException {
        char[] p = readRaw(stdin, prompt, err);
        if (p != null && p.length < PasswordHash.MIN_LENGTH) {
            Arrays.fill(p, '\0');
            err.println("the password must have at least " + PasswordHash.MIN_LENGTH + " characters");
            return null;
        }
        return p;
    }

    private static char[] readRaw(boolean stdin, String prompt, PrintWriter err) throws IOException {
        if (stdin) {
            String line = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            return line == null ? new char[0] : line.toCharArray();
        }
        Console console = System.console();
        if (console == null) {
            err.println("no terminal: use --stdin to pipe the password");
            return null;
        }
        char[] a = console.readPassword(prompt);
        char[] b = console.readPassword("Repeat: ");
        if (a == null || !Arrays.equals(a, b)) {
            err.println("the passwords differ");
            return null;
        }
        return a;
    }
}
