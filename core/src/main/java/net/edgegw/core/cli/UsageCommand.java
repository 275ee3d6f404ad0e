package net.edgegw.core.cli;

import picocli.CommandLine;

import java.util.concurrent.Callable;

/**
 * A command that only groups subcommands: run without one, it prints its usage to standard error and exits
 * {@value ExitCodes#ERROR}. Picocli creates one instance per command line; not shared between threads.
 */
public abstract class UsageCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.ERROR;
    }
}
