package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.StubbedChat;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * scripts/smoke.mjs, which the pipeline runs after each deployment, against the real function jar on this machine: on
 * the Bedrock stand-in as a deployed function talks to Bedrock, and in offline mode as {@code ./local.sh} runs without
 * credentials.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SmokeScriptTest {
    private static final String MODEL = "us.amazon.nova-lite-v1:0";

    private StubbedChat chat;
    private LocalServer offline;
    private String version;

    @BeforeAll
    void start() throws IOException {
        chat = StubbedChat.start("smoke", Map.of("BEDROCK_MODEL_ID", MODEL, "ALLOWED_MODEL_IDS", MODEL));
        offline = LocalServer.start("smoke-offline", Map.of("AUTH_TOKEN", "local-secret"));
        try (JarFile jar = new JarFile(Repo.functionJar().toFile())) {
            version = jar.getManifest().getMainAttributes().getValue("Implementation-Version");
        }
    }

    @AfterAll
    void stop() {
        if (chat != null) {
            chat.close();
        }
        if (offline != null) {
            offline.close();
        }
    }

    @Test
    void passesWhenHealthAndOneChatAnswerAsExpected() throws Exception {
        Result result = smoke(expect(chat.server().baseUri().toString(), "bedrock", MODEL, version, "true"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout())
                .contains("smoke: GET /api/health: 200, mode bedrock, model " + MODEL + ", version " + version)
                .contains("smoke: POST /api/chat: 200 in ")
                .endsWith("smoke: passed\n");
        assertThat(result.stderr()).isEmpty();
        // The answer came from the (stand-in) model, and the smoke test left no conversation behind.
        assertThat(chat.bedrock().requests()).isNotEmpty();
        assertThat(chat.server().logText().lines())
                .anyMatch(line -> line.contains("\"method\":\"DELETE\"") && line.contains("\"status\":204"));
    }

    @Test
    void withoutTheChatOnlyTheHealthIsChecked() throws Exception {
        int before = chat.bedrock().requests().size();
        Result result = smoke(expect(chat.server().baseUri() + "/", "bedrock", MODEL, version, "false"));

        assertThat(result.exitCode()).as(result.toString()).isZero();
        assertThat(result.stdout()).doesNotContain("/api/chat").endsWith("smoke: passed\n");
        assertThat(chat.bedrock().requests()).hasSize(before);
    }

    @Test
    void failsOnAnotherModelOrVersion() throws Exception {
        Result model =
                smoke(expect(chat.server().baseUri().toString(), "bedrock", "amazon.nova-pro-v1:0", version, "false"));
        Result build = smoke(expect(chat.server().baseUri().toString(), "bedrock", MODEL, "0.0.1", "false"));

        assertThat(model.exitCode()).isEqualTo(1);
        assertThat(model.stderr())
                .isEqualTo("smoke: FAILED: /api/health model is '" + MODEL + "', expected 'amazon.nova-pro-v1:0'\n");
        assertThat(build.exitCode()).isEqualTo(1);
        assertThat(build.stderr())
                .isEqualTo("smoke: FAILED: /api/health version is '" + version + "', expected '0.0.1'\n");
    }

    @Test
    void failsOnTheOfflineStandInWhereBedrockIsExpected() throws Exception {
        Result result = smoke(expect(offline.baseUri().toString(), "bedrock", null, null, "false"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stderr()).isEqualTo("smoke: FAILED: /api/health mode is 'offline', expected 'bedrock'\n");
    }

    @Test
    void failsWhenTheChatIsRefusedThoughTheHealthAnswers() throws Exception {
        // The offline server requires a token on /api/* except the health, as sign-in does.
        Result result = smoke(expect(offline.baseUri().toString(), "offline", null, null, "true"));

        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.stdout()).contains("smoke: GET /api/health: 200, mode offline");
        assertThat(result.stderr()).startsWith("smoke: FAILED: POST /api/chat answered 401, expected 200: ");
    }

    @Test
    void failsWhenNothingAnswersAndOnABadAddress() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Map<String, String> unreachable = expect("http://127.0.0.1:" + closedPort, "bedrock", MODEL, version, "false");
        unreachable.put("SMOKE_ATTEMPTS", "1");
        Result nothing = smoke(unreachable);
        Result badUrl = smoke(expect("chat.example.com", "bedrock", MODEL, version, "false"));

        assertThat(nothing.exitCode()).isEqualTo(1);
        assertThat(nothing.stderr())
                .isEqualTo("smoke: FAILED: GET /api/health failed: ECONNREFUSED: connect" + " ECONNREFUSED 127.0.0.1:"
                        + closedPort + "\n");
        assertThat(badUrl.exitCode()).isEqualTo(1);
        assertThat(badUrl.stderr())
                .isEqualTo("smoke: FAILED: CHAT_URL must be the chat's address like"
                        + " https://d111111abcdef8.cloudfront.net (got 'chat.example.com')\n");
    }

    private static Map<String, String> expect(String url, String mode, String model, String version, String chat) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CHAT_URL", url);
        env.put("EXPECT_MODE", mode);
        if (model != null) {
            env.put("EXPECT_MODEL", model);
        }
        if (version != null) {
            env.put("EXPECT_VERSION", version);
        }
        env.put("SMOKE_CHAT", chat);
        return env;
    }

    private record Result(int exitCode, String stdout, String stderr) {}

    private static Result smoke(Map<String, String> settings) throws IOException, InterruptedException {
        Path script = Repo.root().resolve("scripts/smoke.mjs");
        ProcessBuilder builder = new ProcessBuilder("node", script.toString())
                .directory(Repo.root().toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.startsWith("EXPECT_") || key.startsWith("SMOKE_") || key.equals("CHAT_URL"));
        env.put("NO_COLOR", "1");
        env.putAll(settings);
        Process process = builder.start();
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> read(process, true));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> read(process, false));
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("scripts/smoke.mjs did not finish");
        }
        return new Result(process.exitValue(), stdout.join(), stderr.join());
    }

    private static String read(Process process, boolean stdout) {
        try {
            return new String(
                    (stdout ? process.getInputStream() : process.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
