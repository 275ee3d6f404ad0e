package net.edgegw.core.cli;

/** The version of a program, read from the manifest of its jar. Stateless, thread-safe. */
public final class ProgramVersion {

    private ProgramVersion() {
    }

    /**
     * @param anchor any class of the program's jar (its package's {@code Implementation-Version})
     * @return the version, or {@code dev} when not run from a packaged jar
     */
    public static String of(Class<?> anchor) {
        String v = anchor.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
