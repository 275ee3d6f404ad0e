package net.edgegw.demo;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.spi.ContextAwareBase;

/**
 * The demo's one logback config, {@code net/edgegw/demo/logback.xml}, found through logback's {@link Configurator}
 * service before any {@code logback.xml} on the classpath: the embedded HiveMQ jar ships one, and two of them made
 * logback print its ~30-line status report at every start. {@code -Dlogback.configurationFile} still wins.
 * Called once by logback at startup.
 */
public final class DemoLogging extends ContextAwareBase implements Configurator {

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        JoranConfigurator joran = new JoranConfigurator();
        joran.setContext(context);
        try {
            joran.doConfigure(DemoLogging.class.getResource("logback.xml"));
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        } catch (JoranException e) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
    }
}
