package dev.bedrockchat.system.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a developer's shell holds never reaches the function a system test starts, but what the machine needs does. */
class LocalServerEnvironmentTest {
    @Test
    void theShellsAwsChatAndSignInSettingsAreRemovedAndTheRestIsKept() {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("LANG", "C.UTF-8");
        env.put("AWS_PROFILE", "work");
        env.put("AWS_ENDPOINT_URL_SECRETS_MANAGER", "http://127.0.0.1:4566");
        env.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
        env.put("CHAT_MODE", "bedrock");
        env.put("AUTH_MODE", "oidc");
        env.put("AUTH_TOKEN", "shell-token");
        env.put("AUTH_TOKEN_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-token");
        env.put("OIDC_ISSUER", "https://login.example.com/realms/chat");
        env.put("OIDC_CLIENT_ID", "bedrock-chat");
        env.put("OIDC_VERIFIER", "apigateway");
        env.put("OIDC_TOKEN_ENDPOINT", "https://login.example.com/token");
        env.put("ORIGIN_VERIFY_SECRET", "shell-secret");
        env.put("ORIGIN_VERIFY_SECRET_ARN", "arn:aws:secretsmanager:us-east-1:123456789012:secret:chat-origin");

        LocalServer.clean(env);

        assertThat(env).isEqualTo(Map.of("PATH", "/usr/bin:/bin", "LANG", "C.UTF-8"));
    }
}
