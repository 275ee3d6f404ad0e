package net.edgegw.core.cli;

import picocli.CommandLine;

/**
 * The {@code --version} line of a program: {@code <program> <version>} ({@link ProgramVersion}). Subclass it with a
 * no-argument constructor for picocli's {@code versionProvider}. Immutable, thread-safe.
 */
public abstract class VersionProvider implements CommandLine.IVersionProvider {

    private final String program;
    private final Class<?> anchor;

    /** @param anchor any class of the program's jar */
    protected VersionProvider(String program, Class<?> anchor) {
        this.program = program;
        this.anchor = anchor;
    }

    @Override
    public String[] getVersion() {
        return new String[]{program + " " + ProgramVersion.of(anchor)};
    }
}
