package net.edgegw.gateway.config;

import net.edgegw.adapters.InputKind;
import net.edgegw.adapters.InputRegistry;
import net.edgegw.adapters.mqtt.MqttInputKind;
import net.edgegw.adapters.syslog.SyslogInputKind;
import net.edgegw.adapters.tcp.TcpInputKind;

import java.util.List;

/**
 * The input kinds of the gateway: the one place an input kind is registered (see the package documentation of
 * {@code net.edgegw.adapters} for how to write one). Stateless.
 */
public final class Inputs {

    private static final InputRegistry STANDARD = InputRegistry.of(List.<InputKind<?>>of(
            new SyslogInputKind(), new MqttInputKind(), new TcpInputKind()));

    private Inputs() {
    }

    /** The syslog, mqtt and tcp kinds (in the order of "supported: ..." in errors). */
    public static InputRegistry registry() {
        return STANDARD;
    }

    /** The standard kinds plus {@code more}. */
    public static InputRegistry registry(List<? extends InputKind<?>> more) {
        return STANDARD.with(more);
    }
}
