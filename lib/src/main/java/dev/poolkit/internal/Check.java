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

    public static double atLeast(double min, double value, String name) {
        if (!(value >= min) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be a number >= " + fmt(min) + ", got " + value);
        }
        return value;
    }

    public static double between(double min, double max, double value, String name) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be between " + fmt(min) + " and " + fmt(max) + ", got " + value);
        }
        return value;
    }

    public static java.time.Duration notNegative(java.time.Duration d, String name) {
        if (d.isNegative()) {
            // A part of a millisecond would read as "got 0 ms": name it as Duration does then.
            String got = d.getNano() % 1_000_000 == 0 ? d.toMillis() + " ms" : d.toString();
            throw new IllegalArgumentException(name + " must be >= 0, got " + got);
        }
        return d;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
