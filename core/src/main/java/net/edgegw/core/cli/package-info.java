/**
 * The command-line base shared by {@code edge-gateway} and {@code cloud-aggregator} (picocli): exit codes, the
 * program version, loading a config or reporting its errors (key and line), the {@code --config FILE} command and the
 * one {@code set-password} command.
 */
package net.edgegw.core.cli;
