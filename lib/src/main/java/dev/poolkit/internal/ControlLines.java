package dev.poolkit.internal;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Predicate;

/**
 * The process pool's wire carries control lines (gate grants, cancels) between the tasks: this
 * hands each line to a taker as it is read, and iterates over the lines no taker kept. Lines are
 * read only as the caller asks for its next task.
 */
public final class ControlLines {
    private ControlLines() {}

    /** The lines of {@code lines} that {@code takes} returns false for; it is called once per line, in order. */
    public static Iterator<String> without(Iterator<String> lines, Predicate<String> takes) {
        return new Iterator<>() {
            String next;

            @Override
            public boolean hasNext() {
                while (next == null && lines.hasNext()) {
                    String line = lines.next();
                    if (!takes.test(line)) next = line;
                }
                return next != null;
            }

            @Override
            public String next() {
                if (!hasNext()) throw new NoSuchElementException();
                String line = next;
                next = null;
                return line;
            }
        };
    }
}
