package dev.bedrockchat.system.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of browser scenarios ({@code test/browser/*.test.mjs}): Node's test runner drives Debian's Chromium through
 * playwright-core against a server the test has started. The scenarios read where that server is, and whom to sign
 * in as, from the environment given here; a developer's own values of those variables never reach them.
 */
public final class BrowserScenarios {
    /** Debian's Chromium, or the one {@code CHROMIUM_PATH} names (test/browser/support.mjs reads the same). */
    public static final Path CHROMIUM = Path.of(Optional.ofNullable(System.getenv("CHROMIUM_PATH"))
            .map(String::strip)
            .filter(path -> !path.isEmpty())
            .orElse("/usr/bin/chromium"));

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final int TAIL_LINES = 80;
    /** What the scenarios read: the server (open-mode run, sign-in run) and the provider's test account. */
    private static final List<String> SCENARIO_VARIABLES =
            List.of("CHAT_BASE_URL", "BASE_URL", "OIDC_USERNAME", "OIDC_PASSWORD");

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

    private BrowserScenarios() {}

    /**
     * Runs {@code node --test} on the given scenario files (paths under the repository) with {@code environment}, one
     * file at a time, printing its output as it comes, and returns when it has ended (failing the test after ten
     * minutes). Fails at once, saying what to install, when Chromium or playwright-core is missing.
     */
    public static Result run(List<String> files, Map<String, String> environment) {
        Path root = Repo.root();
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " is missing: the browser tests need Debian's chromium. Install it with"
                    + " `sudo apt-get update && sudo apt-get install -y chromium` (the CI script does this), or set"
                    + " CHROMIUM_PATH to another Chromium executable.");
        }
        if (!Files.isDirectory(root.resolve("node_modules/playwright-core"))) {
            throw new AssertionError("node_modules/playwright-core is missing: run `npm ci` in " + root);
        }
        List<String> command =
                new ArrayList<>(List.of("node", "--test", "--test-concurrency=1", "--test-reporter=spec"));
        command.addAll(files);
        ProcessBuilder builder =
                new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true);
        builder.environment().keySet().removeAll(SCENARIO_VARIABLES);
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
                .name("browser-scenarios-output")
                .start(() -> {
                    try (BufferedReader reader =
                            new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                            System.out.println("[browser] " + line);
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
                        System.out.println("[browser] output ended: " + e.getMessage());
                    }
                });

        try {
            if (!node.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                node.descendants().forEach(ProcessHandle::destroy);
                node.destroy();
                node.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("the browser tests did not finish within " + RUN_TIMEOUT + "\n" + text(tail));
            }
            pump.join(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            node.descendants().forEach(ProcessHandle::destroy);
            node.destroy();
            throw new AssertionError("interrupted while the browser tests ran", e);
        }
        synchronized (tail) {
            return new Result(node.exitValue(), Map.copyOf(summary), text(tail));
        }
    }

    private static String text(Deque<String> tail) {
        synchronized (tail) {
            return String.join("\n", tail);
        }
    }
}
