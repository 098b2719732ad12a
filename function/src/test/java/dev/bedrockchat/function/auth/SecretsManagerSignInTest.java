package dev.bedrockchat.function.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.MotoServer;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * In AWS the shared token and the origin secret live in AWS Secrets Manager: the function reads each once at start-up
 * (the real SDK against moto's Secrets Manager), and no value ever reaches a log line.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretsManagerSignInTest {
    @RegisterExtension
    static final MotoServer MOTO = new MotoServer();

    private static final String TOKEN = "token-from-secrets-manager-" + UUID.randomUUID();
    private static final String ORIGIN_SECRET = "origin-secret-" + UUID.randomUUID();

    private SecretsManagerClient secrets;
    private String tokenArn;
    private String originArn;

    @BeforeAll
    void createSecrets() {
        secrets = SecretsManagerClient.builder()
                .region(Region.US_EAST_1)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .endpointOverride(MOTO.endpoint())
                .httpClient(AwsCrtHttpClient.create())
                .build();
        tokenArn = secrets.createSecret(r -> r.name("chat/auth-token").secretString(TOKEN + "\n"))
                .arn();
        originArn = secrets.createSecret(r -> r.name("chat/origin-verify").secretString(ORIGIN_SECRET))
                .arn();
    }

    @AfterAll
    void close() {
        secrets.close();
    }

    private Map<String, String> aws(Map<String, String> settings) {
        var env = new HashMap<String, String>();
        env.put("CHAT_MODE", "offline");
        env.put("AWS_REGION", "us-east-1");
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", MOTO.endpoint().toString());
        env.putAll(settings);
        return env;
    }

    @Test
    void theSharedTokenComesFromItsSecret() {
        try (TestApp app = TestApp.start(aws(Map.of("AUTH_TOKEN_SECRET_ARN", tokenArn)))) {
            assertThat(app.get("/api/models").statusCode()).isEqualTo(401);
            assertThat(app.get("/api/models", "X-Chat-Token", TOKEN).statusCode())
                    .isEqualTo(200);
            assertThat(app.get("/api/models", "Authorization", "Bearer " + TOKEN)
                            .statusCode())
                    .isEqualTo(200);
            assertThat(TestApp.json(app.get("/api/health")).path("auth").asText())
                    .isEqualTo("token");

            var startup = app.awaitLogLine(line -> line.path("type").asText().equals("startup"));
            assertThat(startup.path("auth").asText()).isEqualTo("token");
            assertThat(startup.path("tokenFrom").asText()).isEqualTo("AUTH_TOKEN_SECRET_ARN");
            assertThat(app.rawLog()).doesNotContain(TOKEN);
        }
    }

    @Test
    void theOriginSecretComesFromItsSecret() {
        try (TestApp app = TestApp.start(aws(Map.of("ORIGIN_VERIFY_SECRET_ARN", originArn)))) {
            HttpResponse<String> around = app.get("/api/models");
            assertThat(around.statusCode()).isEqualTo(403);
            assertThat(TestApp.json(around).at("/error/code").asText()).isEqualTo("Forbidden");
            assertThat(app.get("/api/models", "X-Origin-Verify", ORIGIN_SECRET).statusCode())
                    .isEqualTo(200);
            assertThat(app.get("/api/health").statusCode()).isEqualTo(200);
            assertThat(app.awaitLogLine(line -> line.path("type").asText().equals("startup"))
                            .path("originVerify")
                            .asBoolean())
                    .isTrue();
            assertThat(app.rawLog()).doesNotContain(ORIGIN_SECRET);
        }
    }

    @Test
    void aSecretThatCannotBeReadStopsTheStartWithoutQuotingAnything() {
        String missing = tokenArn.replace("chat/auth-token", "chat/no-such-secret");

        assertThatThrownBy(() -> TestApp.start(aws(Map.of("AUTH_TOKEN_SECRET_ARN", missing))))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage("AUTH_TOKEN_SECRET_ARN: the secret " + missing + " could not be read: AWS Secrets "
                        + "Manager answered ResourceNotFoundException: no such secret (or no current version): "
                        + "check the ARN");
    }

    @Test
    void anEmptySecretStopsTheStart() {
        String blank = secrets.createSecret(r -> r.name("chat/blank").secretString("  \n"))
                .arn();

        assertThatThrownBy(() -> TestApp.start(aws(Map.of("ORIGIN_VERIFY_SECRET_ARN", blank))))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage("ORIGIN_VERIFY_SECRET_ARN: the secret " + blank + " is empty: give it a value");
    }

    @Test
    void anUnreachableSecretsManagerStopsTheStart() {
        var env = aws(Map.of("AUTH_TOKEN_SECRET_ARN", tokenArn));
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:9");

        assertThatThrownBy(() -> TestApp.start(env))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessageStartingWith("AUTH_TOKEN_SECRET_ARN: the secret " + tokenArn
                        + " could not be read: AWS Secrets Manager could not be reached")
                .hasMessageEndingWith(
                        ": check the VPC endpoint, its security group and AWS_ENDPOINT_URL_SECRETS_MANAGER");
    }
}
