package dev.bedrockchat.system.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    /** What the scenarios read: the server (open-mode run, sign-in run) and the provider's test account. */
    private static final List<String> SCENARIO_VARIABLES =
            List.of("CHAT_BASE_URL", "BASE_URL", "OIDC_USERNAME", "OIDC_PASSWORD");

    private BrowserScenarios() {}

    /**
     * Runs {@code node --test} on the given scenario files (paths under the repository) with {@code environment}, one
     * file at a time, printing its output as it comes, and returns when it has ended (failing the test after ten
     * minutes). Fails at once, saying what to install, when Chromium or playwright-core is missing.
     */
    public static NodeScenarios.Result run(List<String> files, Map<String, String> environment) {
        if (!Files.isExecutable(CHROMIUM)) {
            throw new AssertionError(CHROMIUM + " is missing: the browser tests need Debian's chromium. Install it with"
                    + " `sudo apt-get update && sudo apt-get install -y chromium` (the CI script does this), or set"
                    + " CHROMIUM_PATH to another Chromium executable.");
        }
        NodeScenarios.requireModule("playwright-core");
        return NodeScenarios.run("browser", RUN_TIMEOUT, files, environment, SCENARIO_VARIABLES);
    }
}
