package dev.bedrockchat.function.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

class CredentialsProbeTest {
    private static final StaticCredentialsProvider STATIC =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("AKID", "secret"));

    private static CredentialsProbe probe(Map<String, String> env, Path home) {
        return new CredentialsProbe(env, new Properties(), home, Duration.ofMillis(500));
    }

    @Test
    void withNoSourceNothingIsResolvedAndTheAnswerIsImmediate(@TempDir Path home) {
        var probe = probe(Map.of(), home);
        // A provider that would hang (like the instance metadata service on a laptop) is never asked.
        var hanging = (software.amazon.awssdk.auth.credentials.AwsCredentialsProvider) () -> {
            throw new AssertionError("must not be called");
        };

        assertThat(probe.hint()).isEmpty();
        assertThat(probe.resolves(hanging)).isFalse();
    }

    @Test
    void environmentKeysContainerAndWebIdentityAreSources(@TempDir Path home) {
        assertThat(probe(Map.of("AWS_ACCESS_KEY_ID", "a", "AWS_SECRET_ACCESS_KEY", "b"), home)
                        .hint())
                .contains("environment variables");
        assertThat(probe(Map.of("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/creds"), home)
                        .hint())
                .contains("container credentials");
        assertThat(probe(Map.of("AWS_WEB_IDENTITY_TOKEN_FILE", "/token"), home).hint())
                .contains("web identity token");
        assertThat(probe(Map.of("AWS_ACCESS_KEY_ID", "only the id"), home).hint())
                .isEmpty();
    }

    @Test
    void sharedProfileFilesAreASource(@TempDir Path home) throws Exception {
        Files.createDirectories(home.resolve(".aws"));
        Files.writeString(home.resolve(".aws/credentials"), "[default]\n");

        assertThat(probe(Map.of(), home).hint()).contains("shared profile files");
    }

    @Test
    void aSourceIsConfirmedByResolvingWithinTheTimeout(@TempDir Path home) {
        var probe = probe(Map.of("AWS_PROFILE", "dev"), home);

        assertThat(probe.resolves(STATIC)).isTrue();
        assertThat(probe.resolves(() -> {
                    throw new IllegalStateException("expired");
                }))
                .isFalse();
        long start = System.nanoTime();
        assertThat(probe.resolves(() -> {
                    try {
                        Thread.sleep(10_000);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return AwsBasicCredentials.create("late", "late");
                }))
                .isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
}
