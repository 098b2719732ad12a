package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.auth.AuthMode;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTest {

    @Test
    void defaultsFollowTheContract(@TempDir Path dir) {
        Config config = Config.from(Map.of(), new Properties(), dir);

        assertThat(config.port()).isEqualTo(8080);
        assertThat(config.chatMode()).isEmpty();
        assertThat(config.defaultModelId()).isEqualTo(Config.DEFAULT_MODEL_ID);
        assertThat(config.allowedModelIds()).isEmpty();
        assertThat(config.region()).isEqualTo("us-east-1");
        assertThat(config.artifactBucket()).isEmpty();
        assertThat(config.dataDir()).isEqualTo(dir.resolve(".chat-data"));
        assertThat(config.maxMessageChars()).isEqualTo(8000);
        assertThat(config.maxTokens()).isEqualTo(1024);
        assertThat(config.temperature()).isEqualTo(0.5);
        assertThat(config.historyBudgetChars()).isEqualTo(24000);
        assertThat(config.modelTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.answerTimeout()).isEqualTo(Duration.ofSeconds(600));
        assertThat(config.auth().mode()).isEqualTo(AuthMode.NONE);
        assertThat(config.auth().originVerifySecret()).isEmpty();
        assertThat(config.staticDir()).isEmpty();
        assertThat(config.bedrockEndpoint()).isEmpty();
        assertThat(config.behindWebAdapter()).isFalse();
    }

    @Test
    void behindTheWebAdapterOnlyInLambdaWithTheAdaptersExecWrapper(@TempDir Path dir) {
        var lambda = Map.entry("AWS_LAMBDA_FUNCTION_NAME", "chat-dev");
        var wrapper = Map.entry("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");

        assertThat(Config.from(Map.ofEntries(lambda, wrapper), new Properties(), dir)
                        .behindWebAdapter())
                .isTrue();
        // The buffered handler runs in Lambda without the wrapper; a laptop may set the wrapper by mistake.
        assertThat(Config.from(Map.ofEntries(lambda), new Properties(), dir).behindWebAdapter())
                .isFalse();
        assertThat(Config.from(Map.ofEntries(wrapper), new Properties(), dir).behindWebAdapter())
                .isFalse();
        assertThat(Config.from(Map.ofEntries(lambda, Map.entry("AWS_LAMBDA_EXEC_WRAPPER", " ")), new Properties(), dir)
                        .behindWebAdapter())
                .isFalse();
    }

    @Test
    void everyVariableIsRead(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("frontend/dist"));
        Config config = Config.from(
                Map.ofEntries(
                        Map.entry("PORT", "9000"),
                        Map.entry("CHAT_MODE", "OFFLINE"),
                        Map.entry("BEDROCK_MODEL_ID", "us.amazon.nova-pro-v1:0"),
                        Map.entry("ALLOWED_MODEL_IDS", " amazon.nova-micro-v1:0 ,,us.amazon.nova-pro-v1:0"),
                        Map.entry("AWS_REGION", "eu-central-1"),
                        Map.entry("ARTIFACT_BUCKET", "bucket"),
                        Map.entry("CHAT_DATA_DIR", "/var/data"),
                        Map.entry("SYSTEM_PROMPT", "Hi"),
                        Map.entry("PERSONA_DIR", "persona"),
                        Map.entry("MAX_MESSAGE_CHARS", "10"),
                        Map.entry("MAX_TOKENS", "20"),
                        Map.entry("TEMPERATURE", "0.9"),
                        Map.entry("HISTORY_BUDGET_CHARS", "30"),
                        Map.entry("MODEL_TIMEOUT_SECONDS", "40"),
                        Map.entry("ANSWER_TIMEOUT_SECONDS", "27"),
                        Map.entry("AUTH_TOKEN", "t"),
                        Map.entry("ENVIRONMENT_NAME", "prod"),
                        Map.entry("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "http://127.0.0.1:4000")),
                new Properties(),
                dir);

        assertThat(config.port()).isEqualTo(9000);
        assertThat(config.chatMode()).contains(Config.ChatMode.OFFLINE);
        assertThat(config.defaultModelId()).isEqualTo("us.amazon.nova-pro-v1:0");
        assertThat(config.allowedModelIds()).containsExactly("amazon.nova-micro-v1:0", "us.amazon.nova-pro-v1:0");
        assertThat(config.region()).isEqualTo("eu-central-1");
        assertThat(config.artifactBucket()).contains("bucket");
        assertThat(config.dataDir()).isEqualTo(Path.of("/var/data"));
        assertThat(config.systemPrompt()).isEqualTo("Hi");
        assertThat(config.personaDir()).contains(dir.resolve("persona"));
        assertThat(config.maxMessageChars()).isEqualTo(10);
        assertThat(config.maxTokens()).isEqualTo(20);
        assertThat(config.temperature()).isEqualTo(0.9);
        assertThat(config.historyBudgetChars()).isEqualTo(30);
        assertThat(config.modelTimeout()).isEqualTo(Duration.ofSeconds(40));
        assertThat(config.answerTimeout()).isEqualTo(Duration.ofSeconds(27));
        assertThat(config.auth().mode()).isEqualTo(AuthMode.TOKEN);
        assertThat(config.auth().token())
                .hasValueSatisfying(token -> assertThat(token.matches("t")).isTrue());
        assertThat(config.staticDir()).contains(dir.resolve("frontend/dist"));
        assertThat(config.environmentName()).isEqualTo("prod");
        assertThat(config.bedrockEndpoint()).contains(URI.create("http://127.0.0.1:4000"));
    }

    @Test
    void theSdkEndpointSystemPropertiesCountToo(@TempDir Path dir) {
        var properties = new Properties();
        properties.setProperty("aws.endpointUrlS3", "http://localhost:9090");

        assertThat(Config.from(Map.of(), properties, dir).s3Endpoint()).contains(URI.create("http://localhost:9090"));
        assertThat(Config.from(Map.of("AWS_ENDPOINT_URL", "http://all:1"), new Properties(), dir)
                        .bedrockEndpoint())
                .contains(URI.create("http://all:1"));
    }

    @Test
    void inLambdaLocalDataGoesToTmp(@TempDir Path dir) {
        assertThat(Config.from(Map.of("AWS_LAMBDA_FUNCTION_NAME", "chat"), new Properties(), dir)
                        .dataDir())
                .isEqualTo(Path.of("/tmp/chat-data"));
    }

    @Test
    void badValuesNameTheVariable(@TempDir Path dir) {
        assertThatThrownBy(() -> Config.from(Map.of("PORT", "eighty"), new Properties(), dir))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("PORT");
        assertThatThrownBy(() -> Config.from(Map.of("TEMPERATURE", "3"), new Properties(), dir))
                .hasMessageContaining("TEMPERATURE");
        assertThatThrownBy(() -> Config.from(Map.of("CHAT_MODE", "cloud"), new Properties(), dir))
                .hasMessageContaining("CHAT_MODE");
        assertThatThrownBy(() -> Config.from(Map.of("MODEL_TIMEOUT_SECONDS", "0"), new Properties(), dir))
                .hasMessageContaining("MODEL_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> Config.from(Map.of("ANSWER_TIMEOUT_SECONDS", "ten"), new Properties(), dir))
                .hasMessageContaining("ANSWER_TIMEOUT_SECONDS");
        assertThatThrownBy(() -> Config.from(Map.of("AWS_ENDPOINT_URL_S3", "not a url"), new Properties(), dir))
                .hasMessageContaining("AWS_ENDPOINT_URL_S3");
    }

    @Test
    void anApplicationWithAMalformedModelIdDoesNotStart(@TempDir Path dir) {
        Config config = Config.from(
                Map.of("CHAT_MODE", "offline", "ALLOWED_MODEL_IDS", "Not A Model", "CHAT_DATA_DIR", dir.toString()),
                new Properties(),
                dir);

        assertThatThrownBy(() -> Application.builder(config).build())
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageContaining("ALLOWED_MODEL_IDS");
    }
}
