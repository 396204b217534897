package dev.ember.it.spark;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/**
 * Captures what Ember logs (loggers under {@code dev.ember}) while open. Start it after the
 * SparkSession: Spark configures logging when its first session starts, dropping earlier appenders.
 */
public final class LogCapture implements AutoCloseable {
    private final Logger logger = (Logger) LogManager.getLogger("dev.ember");
    private final List<String> messages = new ArrayList<>();
    private final Level previousLevel;
    private final AbstractAppender appender;

    private LogCapture() {
        appender = new AbstractAppender("ember-capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                synchronized (messages) {
                    messages.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
                }
            }
        };
        appender.start();
        previousLevel = logger.getLevel();
        logger.addAppender(appender);
        logger.setLevel(Level.INFO);
    }

    public static LogCapture start() {
        return new LogCapture();
    }

    /** The messages so far, each prefixed with its level. */
    public List<String> messages() {
        synchronized (messages) {
            return new ArrayList<>(messages);
        }
    }

    @Override
    public void close() {
        logger.removeAppender(appender);
        logger.setLevel(previousLevel);
        appender.stop();
    }
}
