package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.system.support.BrowserScenarios;
import dev.bedrockchat.system.support.NodeScenarios;
import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.StubbedChat;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The chat page in headless Chromium (Debian's package, driven by playwright-core) against the real function jar in
 * open mode, whose Bedrock is the keyword-scripted stand-in. The scenarios live in {@code test/browser/chat.test.mjs};
 * this class starts the servers, runs them with Node's test runner and passes when every scenario passes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserTest {
    private StubbedChat chat;

    @BeforeAll
    void start() {
        chat = StubbedChat.start(
                "browser",
                Map.of(
                        "BEDROCK_MODEL_ID", "amazon.nova-lite-v1:0",
                        "ALLOWED_MODEL_IDS", "amazon.nova-lite-v1:0,amazon.nova-micro-v1:0",
                        "STATIC_DIR", Repo.pageDir().toString(),
                        "MODEL_TIMEOUT_SECONDS", "5",
                        "MODEL_PRICES",
                                "{\"amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00006,\"outputPer1k\":0.00024}}"));
    }

    @AfterAll
    void stop() {
        if (chat != null) {
            chat.close();
        }
    }

    @Test
    void thePageWorksInChromiumAgainstTheLocalServer() throws IOException {
        Instant started = Instant.now().minusSeconds(1);

        NodeScenarios.Result run = BrowserScenarios.run(
                List.of("test/browser/chat.test.mjs"),
                Map.of("CHAT_BASE_URL", chat.server().baseUri().toString()));

        assertThat(run.exitCode())
                .as(
                        "node --test test/browser/chat.test.mjs exit code; last lines:\n%s\nserver log: %s",
                        run.tail(), chat.server().log())
                .isZero();
        assertThat(run.count("pass")).as("scenarios passed").isPositive().isEqualTo(run.count("tests"));
        assertThat(run.count("skipped")).as("scenarios skipped").isZero();
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
