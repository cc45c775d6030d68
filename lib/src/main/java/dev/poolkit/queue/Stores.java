package dev.poolkit.queue;

import dev.poolkit.queue.internal.JobStore;

import java.time.Duration;
import java.util.function.Consumer;

/** Opens a job's store from its URL: the one place the password leaves a {@link QueueUrl}. */
final class Stores {
    private Stores() {}

    static JobStore open(QueueUrl url, Consumer<String> log, Duration reconnectFor) {
        return JobStore.connect(url.host(), url.port(), url.user(), url.password(), url.tls(), url.job(),
                url.server(), log, reconnectFor.toMillis());
    }
}
