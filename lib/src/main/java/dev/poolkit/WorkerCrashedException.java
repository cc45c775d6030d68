package dev.poolkit;

import java.util.List;

/**
 * A worker process died while it held a task: it exited, was killed, or broke the wire protocol.
 * The message names the command, the exit code and the tail of the worker's stderr.
 */
public class WorkerCrashedException extends RuntimeException implements Failure {
    private final List<String> command;
    private final Integer exitCode;
    private final List<String> stderrTail;

    public WorkerCrashedException(List<String> command, Integer exitCode, List<String> stderrTail) {
        super("worker process died" + (exitCode == null ? "" : " with exit code " + exitCode)
                + " (" + summary(command) + ")"
                + (stderrTail.isEmpty() ? "" : "; its stderr ended: " + String.join(" | ", stderrTail)));
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderrTail = List.copyOf(stderrTail);
    }

    /** The worker's command line. */
    public List<String> command() {
        return command;
    }

    /** The worker's exit code, or {@code null} if it had not exited when the pool gave up on it. */
    public Integer exitCode() {
        return exitCode;
    }

    /** The last lines the worker wrote on stderr. */
    public List<String> stderrTail() {
        return stderrTail;
    }

    /** {@code "crash"}. */
    @Override
    public String errorKind() {
        return "crash";
    }

    // The class path is long and says little; the java and the main class say which worker it was.
    private static String summary(List<String> command) {
        if (command.isEmpty()) return "no command";
        String main = "";
        for (int i = 0; i < command.size(); i++) {
            String arg = command.get(i);
            if (arg.equals("-cp") || arg.equals("-classpath") || arg.equals("--class-path")) { i++; continue; }
            if (!arg.startsWith("-") && i > 0) { main = arg; break; }
        }
        return command.get(0) + (main.isEmpty() ? "" : " ... " + main);
    }
}
