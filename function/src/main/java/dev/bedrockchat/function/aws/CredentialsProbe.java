package dev.bedrockchat.function.aws;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Decides cheaply, at start-up, whether AWS credentials are available (to choose between Bedrock and the offline
 * stand-in when CHAT_MODE is unset). It looks for the usual sources first (environment and system-property keys,
 * container and web-identity variables, the Lambda environment, shared profile files); only when one is present does
 * it resolve the credentials, bounded by a short timeout. With no source present it never reaches for the EC2
 * instance metadata service, so a laptop without credentials starts at once.
 */
public final class CredentialsProbe {
    private final Optional<String> hint;
    private final Duration timeout;

    public CredentialsProbe(Map<String, String> env, Properties systemProperties, Path home, Duration timeout) {
        this.hint = hint(env, systemProperties, home);
        this.timeout = timeout;
    }

    /** The source that suggests credentials exist, if any (for the start-up log); looked for once, when made. */
    public Optional<String> hint() {
        return hint;
    }

    /** Whether the provider yields credentials within the timeout (only tried when a source is present). */
    public boolean resolves(AwsCredentialsProvider provider) {
        if (hint.isEmpty()) {
            return false;
        }
        var attempt = new CompletableFuture<Boolean>();
        // A virtual (daemon) thread: if resolving hangs, start-up goes on without it.
        Thread.ofVirtual().name("credentials-probe").start(() -> {
            try {
                provider.resolveCredentials();
                attempt.complete(true);
            } catch (RuntimeException e) {
                attempt.complete(false);
            }
        });
        try {
            return attempt.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static Optional<String> hint(Map<String, String> env, Properties systemProperties, Path home) {
        if (has(env.get("AWS_ACCESS_KEY_ID")) && has(env.get("AWS_SECRET_ACCESS_KEY"))) {
            return Optional.of("environment variables");
        }
        if (has(systemProperties.getProperty("aws.accessKeyId"))) {
            return Optional.of("system properties");
        }
        if (has(env.get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"))
                || has(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"))) {
            return Optional.of("container credentials");
        }
        if (has(env.get("AWS_WEB_IDENTITY_TOKEN_FILE"))) {
            return Optional.of("web identity token");
        }
        if (has(env.get("AWS_PROFILE"))) {
            return Optional.of("profile " + env.get("AWS_PROFILE"));
        }
        Path credentials = Optional.ofNullable(env.get("AWS_SHARED_CREDENTIALS_FILE"))
                .filter(CredentialsProbe::has)
                .map(Path::of)
                .orElse(home.resolve(".aws/credentials"));
        Path config = Optional.ofNullable(env.get("AWS_CONFIG_FILE"))
                .filter(CredentialsProbe::has)
                .map(Path::of)
                .orElse(home.resolve(".aws/config"));
        if (Files.isRegularFile(credentials) || Files.isRegularFile(config)) {
            return Optional.of("shared profile files");
        }
        return Optional.empty();
    }

    private static boolean has(String value) {
        return value != null && !value.isBlank();
    }
}
