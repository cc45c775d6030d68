package dev.poolkit.internal;

/** Argument checks whose messages name the parameter, the rule and the value. */
public final class Check {
    private Check() {}

    public static int atLeast(int min, int value, String name) {
        if (value < min) throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        return value;
    }
}
