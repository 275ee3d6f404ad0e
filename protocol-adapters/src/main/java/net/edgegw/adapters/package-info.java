/**
 * The input contract. Each input kind is one package ({@code syslog}, {@code mqtt}, {@code tcp}) holding its config
 * record (an {@link net.edgegw.core.InputConfig}), its config parser (YAML keys to the record, every error with its key
 * and line), its {@link net.edgegw.adapters.InputKind} (the factory) and its {@link net.edgegw.core.Source}.
 *
 * <h2>Adding an input kind</h2>
 * <ol>
 * <li>Write a config record implementing {@code InputConfig} ({@code type()} returns the {@code type:} value).</li>
 * <li>Write an {@code InputKind}: {@code parse} reads the kind's own keys with {@link net.edgegw.core.config.Fields}
 * (report errors with {@code in.error(in.child(key), message)}, end with {@code in.finish()}); {@code createSource}
 * builds the source. Copy {@code net.edgegw.adapters.tcp.TcpInputKind}; listening inputs use
 * {@link net.edgegw.adapters.net.ListenerSettings} and {@link net.edgegw.adapters.net.NettyServer}, per-input
 * counters and rejections {@link net.edgegw.adapters.InputMetrics} and {@link net.edgegw.adapters.IngestSupport}.</li>
 * <li>Register it: the gateway's kinds are listed in {@code net.edgegw.gateway.config.Inputs}; nothing else changes
 * (no other input, no {@code instanceof}). The test {@code ExampleInputKindTest} adds a kind in a few dozen lines.</li>
 * </ol>
 */
package net.edgegw.adapters;
