package dev.poolkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** poolkit's version, as Maven wrote it into the jar. */
public final class Version {
    private Version() {}

    public static final String POOLKIT = read();

    private static String read() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/poolkit/poolkit.properties")) {
            var props = new Properties();
            if (in != null) props.load(in);
            return props.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
