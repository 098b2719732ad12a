package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.StubbedChat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat page in headless Chromium (Debian's package, driven by playwright-core) against the real function jar,
 * whose Bedrock is the keyword-scripted stand-in. The scenarios live in {@code test/browser/*.test.mjs}; this class
 * starts the servers, runs them with Node's test runner and passes when every scenario passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
    /** Debian's Chromium, or the one {@code CHROMIUM_PATH} names (test/browser/support.mjs reads the same). */
    private static final Path CHROMIUM = Path.of(Optional.ofNullable(System.getenv("CHROMIUM_PATH"))
            .map(String::strip)
            .filter(path -> !path.isEmpty())
            .orElse("/usr/bin/chromium"));

    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(10);
    private static final int TAIL_LINES = 60;

    private StubbedChat chat;

    @BeforeAll
    void start() {
        chat = StubbedChat.start(
                "browser",
                Map.of(
                        "BEDROCK_MODEL_ID", "amazon.nova-lite-v1:0",
                        "ALLOWED_MODEL_IDS", "amazon.nova-lite-v1:0,amazon.nova-micro-v1:0",
                        "STATIC_DIR", Repo.pageDir().toString(),
                        "MODEL_TIMEOUT_SECONDS", "5"));
    }

    @AfterAll
    void stop() {
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void thePageWorksInChromiumAgainstTheLocalServer() throws IOException, InterruptedException {
        if (!Files.isExecutable(CHROMIUM)) {
            fail(CHROMIUM + " is missing: the browser tests need Debian's chromium. Install it with"
                    + " `sudo apt-get update && sudo apt-get install -y chromium` (the CI script does this), or set"
                    + " CHROMIUM_PATH to another Chromium executable.");
        }
        Path root = Repo.root();
        if (!Files.isDirectory(root.resolve("node_modules/playwright-core"))) {
            fail("node_modules/playwright-core is missing: run `npm ci` in " + root);
        }

        Instant started = Instant.now().minusSeconds(1);
        ProcessBuilder builder = new ProcessBuilder(
                        "node", "--test", "--test-concurrency=1", "--test-reporter=spec", "test/browser/")
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("CHAT_BASE_URL", chat.server().baseUri().toString());
        builder.environment().put("NO_COLOR", "1");
        Process node = builder.start();

        Deque<String> tail = new ArrayDeque<>();
        Thread pump = Thread.ofPlatform().daemon().name("browser-test-output").start(() -> {
            try (BufferedReader reader =
                    new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    System.out.println("[browser] " + line);
                    synchronized (tail) {
                        tail.addLast(line);
                        if (tail.size() > TAIL_LINES) {
                            tail.removeFirst();
                        }
                    }
                }
            } catch (IOException e) {
                System.out.println("[browser] output ended: " + e.getMessage());
            }
        });

        if (!node.waitFor(RUN_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            node.descendants().forEach(ProcessHandle::destroy);
            node.destroy();
            node.waitFor(10, TimeUnit.SECONDS);
            fail("the browser tests did not finish within " + RUN_TIMEOUT + "\n" + String.join("\n", tail));
        }
        pump.join(Duration.ofSeconds(10));

        String output;
        synchronized (tail) {
            output = String.join("\n", tail);
        }
        assertThat(node.exitValue())
                .as(
                        "node --test test/browser/ exit code; last lines:\n%s\nserver log: %s",
                        output, chat.server().log())
                .isZero();
        assertThat(chat.bedrock().requests())
                .as("the page's answers came from the Bedrock stand-in through the streaming API")
                .isNotEmpty()
                .anySatisfy(request -> assertThat(request.operation()).isEqualTo("converse-stream"));
        for (String name :
                new String[] {"desktop-light-chat", "desktop-dark-chat", "phone-light-chat", "phone-dark-chat"}) {
            Path screenshot = Repo.outputDir("screenshots").resolve(name + ".png");
            assertThat(screenshot).as("screenshot written by this run").isRegularFile();
            assertThat(Files.getLastModifiedTime(screenshot).toInstant()).isAfter(started);
        }
    }
}
