package dev.poolkit.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A template's one source, {@code templates/NAME.java} (the alias's script), and the Qute template
 * {@code templates/NAME.java.qute} that {@code jbang init} renders, derived from it: the same text,
 * with the class's name and the command's name both {@code {baseName}} (the new file's name), and
 * every other <code>{</code> that Qute could read as a tag escaped as <code>\{</code>. JBang renders
 * only file-refs that end in {@code .qute}, with Qute 1.13: Java's <code>{"-c", "--concurrency"}</code>
 * and picocli's <code>${DEFAULT-VALUE}</code> would otherwise be expressions (the latter renders as
 * {@code $NOT_FOUND}).
 */
record TemplateSource(String template, String script) {
    private static final Pattern CLASS = Pattern.compile("(?m)^class (\\w+) implements Callable<Integer>");
    private static final Pattern COMMAND = Pattern.compile("@Command\\(name = \"(\\w+)\"");
    // A brace followed by whitespace (a block) is text to Qute; anything else may start a tag.
    private static final Pattern TAG_START = Pattern.compile("\\{(?=\\S)");

    static TemplateSource of(String template) throws IOException {
        return new TemplateSource(template, Files.readString(script(template)));
    }

    static Path script(String template) {
        return Command.ROOT.resolve("templates/" + template + ".java");
    }

    static Path qute(String template) {
        return Command.ROOT.resolve("templates/" + template + ".java.qute");
    }

    /** What {@code templates/NAME.java.qute} must hold. */
    String qute() {
        if (script.contains("\\{") || script.contains("\\}")) {
            throw new IllegalStateException(script(template) + " has a backslash before a brace, which Qute would drop");
        }
        return named(TAG_START.matcher(script).replaceAll(Matcher.quoteReplacement("\\{")), "{baseName}");
    }

    /** The script as {@code jbang init -t NAME@. DIR/NAME_GIVEN.java} must write it. */
    String scaffolded(String name) {
        return named(script, name);
    }

    private String named(String text, String name) {
        String className = find(CLASS, "class NAME implements Callable<Integer>");
        String commandName = find(COMMAND, "@Command(name = \"NAME\"");
        return text.replaceAll("\\b" + className + "\\b", Matcher.quoteReplacement(name))
                .replace("@Command(name = \"" + commandName + "\"", "@Command(name = \"" + name + "\"");
    }

    private String find(Pattern pattern, String what) {
        Matcher m = pattern.matcher(script);
        if (!m.find()) throw new IllegalStateException(script(template) + " has no " + what);
        return m.group(1);
    }
}
