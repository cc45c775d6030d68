package dev.poolkit.crawl;

import dev.poolkit.internal.Check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Which found items a crawl takes: how deep, which hosts, which URLs, how many in all.
 *
 * <pre>{@code
 * Scope scope = Scope.builder().maxDepth(3).sameHost(true).deny("/logout").maxItems(10_000).build();
 * }</pre>
 *
 * <h2>What is checked where</h2>
 * {@link #admits} judges an item a handler found, in its canonical form ({@link Urls#canonical}):
 * its depth, its host against its parent's, the allow and deny patterns. The items a job was given
 * (depth 0) are always admitted: the user named them. {@link #maxItems()} caps every item of
 * the job, given or found; the frontier counts.
 *
 * <h2>Defaults</h2>
 * No limits: any depth ({@code -1}), any host, every URL, any number of items ({@code -1}).
 * Immutable and thread-safe.
 */
public final class Scope {
    private static final Scope ALL = builder().build();

    private final int maxDepth;
    private final boolean sameHost;
    private final List<Pattern> allow;
    private final List<Pattern> deny;
    private final long maxItems;

    private Scope(Builder b) {
        this.maxDepth = b.maxDepth;
        this.sameHost = b.sameHost;
        this.allow = List.copyOf(b.allow);
        this.deny = List.copyOf(b.deny);
        this.maxItems = b.maxItems;
    }

    /** A scope without limits. */
    public static Scope all() {
        return ALL;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Whether a found item is in scope: its depth is at most {@link #maxDepth()}; with
     * {@link #sameHost()}, its host is its parent's (so every item of a chain is on the host of the
     * item the chain started from); no deny pattern is found in it; and, if there are allow
     * patterns, one is. Patterns are searched for ({@link java.util.regex.Matcher#find}), not
     * matched against the whole URL.
     *
     * @param url    the found item, canonical
     * @param depth  its depth: its parent's plus one
     * @param parent the item it was found in
     */
    public boolean admits(String url, int depth, String parent) {
        if (maxDepth >= 0 && depth > maxDepth) return false;
        if (sameHost) {
            String host = Urls.host(url);
            if (host == null || !host.equals(Urls.host(parent))) return false;
        }
        for (Pattern p : deny) if (p.matcher(url).find()) return false;
        if (allow.isEmpty()) return true;
        for (Pattern p : allow) if (p.matcher(url).find()) return true;
        return false;
    }

    /** The deepest a found item may be, in hops from a given item; -1 for no limit. */
    public int maxDepth() {
        return maxDepth;
    }

    public boolean sameHost() {
        return sameHost;
    }

    public List<Pattern> allow() {
        return allow;
    }

    public List<Pattern> deny() {
        return deny;
    }

    /** The most items the job takes, given and found; -1 for no limit. */
    public long maxItems() {
        return maxItems;
    }

    @Override
    public String toString() {
        return "Scope[maxDepth=" + maxDepth + ", sameHost=" + sameHost + ", allow=" + allow + ", deny=" + deny
                + ", maxItems=" + maxItems + "]";
    }

    public static final class Builder {
        private int maxDepth = -1;
        private boolean sameHost;
        private final List<Pattern> allow = new ArrayList<>();
        private final List<Pattern> deny = new ArrayList<>();
        private long maxItems = -1;

        private Builder() {}

        /** The deepest a found item may be: 0 follows nothing, 1 the links of given items; -1 (the default) no limit. */
        public Builder maxDepth(int maxDepth) {
            this.maxDepth = Check.atLeast(-1, maxDepth, "maxDepth");
            return this;
        }

        /** Take only found items on the host of the item they were found in (default: false). */
        public Builder sameHost(boolean sameHost) {
            this.sameHost = sameHost;
            return this;
        }

        /** Take only found items in which one of the allow patterns is found; may be given many times. */
        public Builder allow(String regex) {
            allow.add(Pattern.compile(Objects.requireNonNull(regex, "regex")));
            return this;
        }

        /** Never take found items in which this pattern is found; wins over allow; may be given many times. */
        public Builder deny(String regex) {
            deny.add(Pattern.compile(Objects.requireNonNull(regex, "regex")));
            return this;
        }

        /** The most items the job takes, given and found; -1 (the default) for no limit. */
        public Builder maxItems(long maxItems) {
            this.maxItems = Check.atLeast(-1L, maxItems, "maxItems");
            return this;
        }

        public Scope build() {
            return new Scope(this);
        }
    }
}
