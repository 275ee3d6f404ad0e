package net.edgegw.storeforward;

import java.util.List;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

/** Captures what the buffer logs (its logger is {@link ChronicleLaneBuffer}'s) while open. */
final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LoggerFactory.getLogger(ChronicleLaneBuffer.class);
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Level level = logger.getLevel();
    private final boolean additive = logger.isAdditive();

    /** Captures INFO and above (instead of printing: the test configuration shows only errors). */
    LogCapture() {
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
    }

    /** The formatted messages at {@code level} that contain {@code text}. */
    List<String> lines(Level level, String text) {
        synchronized (appender.list) {
            return appender.list.stream().filter(e -> e.getLevel() == level)
                    .map(ILoggingEvent::getFormattedMessage).filter(m -> m.contains(text)).toList();
        }
    }

    /** Whether any event carried a stack trace. */
    boolean anyStackTrace() {
        synchronized (appender.list) {
            return appender.list.stream().anyMatch(e -> e.getThrowableProxy() != null
                    && e.getLevel().isGreaterOrEqual(Level.INFO));
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        logger.setLevel(level);
        logger.setAdditive(additive);
        appender.stop();
    }
}
