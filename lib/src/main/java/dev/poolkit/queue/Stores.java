package dev.poolkit.queue;

import dev.poolkit.queue.internal.JobStore;

import java.time.Duration;
import java.util.function.Consumer;

/** Opens a job's store from its URL: the one place the password leaves a {@link QueueUrl}. */
final class Stores {
    private Stores() {}

    static JobStore open(QueueUrl url, Consumer<String> log, Duration reconnectFor) {
        // Jedis logs through slf4j, and with no provider on the class path (a template's case)
        // slf4j prints three warning lines on stderr at the first logger. Quiet unless asked.
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        return JobStore.connect(url.host(), url.port(), url.user(), url.password(), url.tls(), url.job(),
                url.server(), log, reconnectFor.toMillis());
    }
}
