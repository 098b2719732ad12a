package dev.bedrockchat.system.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of Node scenarios ({@code node --test} on files under the repository: the real {@code openai} client in
 * {@code test/openai/}, the page in Chromium in {@code test/browser/} through {@link BrowserScenarios}), with the
 * environment given here; the runner's summary counts tell passed, failed and skipped scenarios apart.
 */
public final class NodeScenarios {
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(5);
    private static final int TAIL_LINES = 80;
    private static final Pattern SUMMARY =
            Pattern.compile("^ℹ (tests|suites|pass|fail|cancelled|skipped|todo) (\\d+)$");

    /**
     * How the run ended: the runner's exit code, its summary counts ({@code tests}, {@code pass}, {@code fail},
     * {@code skipped}, …) and the last lines of its output.
     */
    public record Result(int exitCode, Map<String, Integer> summary, String tail) {
        public int count(String name) {
            return summary.getOrDefault(name, -1);
        }
    }

    private NodeScenarios() {}

    /**
     * Runs {@code node --test} on the files (one at a time), printing their output as it comes.
     *
     * @param module a package the scenarios import, checked for in node_modules first (e.g. {@code openai})
     */
    public static Result run(String module, List<String> files, Map<String, String> environment) {
        requireModule(module);
        return run("node", RUN_TIMEOUT, files, environment, List.of());
    }

    /** Fails, saying what to run, when {@code node_modules/<module>} is missing. */
    static void requireModule(String module) {
        if (!Files.isDirectory(Repo.root().resolve("node_modules").resolve(module))) {
            throw new AssertionError("node_modules/" + module + " is missing: run `npm ci` in " + Repo.root());
        }
    }

    /**
     * Runs {@code node --test} on the files (one at a time) with {@code environment}, after removing {@code cleared}
     * from the environment it inherits (so that a developer's own values of the variables the scenarios read never
     * reach them), printing the output as it comes with {@code label} before each line; fails after {@code timeout}.
     */
    static Result run(
            String label, Duration timeout, List<String> files, Map<String, String> environment, List<String> cleared) {
        List<String> command =
                new ArrayList<>(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec"));
        command.addAll(files);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(Repo.root().toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeAll(cleared);
        builder.environment().putAll(environment);
        builder.environment().put("NO_COLOR", "1");
        Process node;
        try {
            node = builder.start();
            node.getOutputStream().close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not start node (Node.js 20 or newer must be on PATH)", e);
        }
        Deque<String> tail = new ArrayDeque<>();
        Map<String, Integer> summary = new LinkedHashMap<>();
        Thread pump = Thread.ofPlatform()
                .daemon()
                .name(label + "-scenarios-output")
                .start(() -> {
                    try (var reader =
                            new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            System.out.println("[" + label + "] " + line);
                            synchronized (tail) {
                                tail.addLast(line);
                                if (tail.size() > TAIL_LINES) {
                                    tail.removeFirst();
                                }
                                Matcher count = SUMMARY.matcher(line);
                                if (count.matches()) {
                                    summary.put(count.group(1), Integer.parseInt(count.group(2)));
                                }
                            }
                        }
                    } catch (IOException e) {
                        System.out.println("[" + label + "] output ended: " + e.getMessage());
                    }
                });
        try {
            if (!node.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroy);
                node.destroy();
                node.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(
                        "the " + label + " scenarios did not finish within " + timeout + "\n" + text(tail));
            }
            pump.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.descendants().forEach(ProcessHandle::destroy);
            node.destroy();
            throw new AssertionError("interrupted while the " + label + " scenarios ran", e);
        }
        return new Result(node.exitValue(), Map.copyOf(summary), text(tail));
    }

    private static String text(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }
}
