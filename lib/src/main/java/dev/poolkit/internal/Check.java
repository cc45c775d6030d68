package dev.poolkit.internal;

/** Argument checks whose messages name the parameter, the rule and the value. */
public final class Check {
    private Check() {}

    public static int atLeast(int min, int value, String name) {
        if (value < min) throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        return value;
    }

    public static long atLeast(long min, long value, String name) {
        if (value < min) throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        return value;
    }

    public static long atMost(long max, long value, String name) {
        if (value > max) throw new IllegalArgumentException(name + " must be <= " + max + ", got " + value);
        return value;
    }
}
