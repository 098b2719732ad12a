package dev.bedrockchat.function.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** Clients built in the background: the server listens meanwhile, and whoever needs one waits for it. */
class AwsClientsTest {
    private static final Duration A_WHILE = Duration.ofSeconds(5);

    private final AwsClients aws = new AwsClients(
            Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")));
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final BiConsumer<String, Throwable> logged = (name, e) -> failures.add(name + ": " + e.getMessage());

    @AfterEach
    void close() {
        aws.close();
    }

    @Test
    void aClientBuiltInTheBackgroundIsBuiltOnceOnAThreadOfItsOwnAndGivenToEveryoneWhoAsks() {
        var builtOn = new AtomicReference<String>();
        InBackground<Object> client = aws.inBackground(
                "test client",
                () -> {
                    builtOn.set(Thread.currentThread().getName());
                    return new Object();
                },
                logged);

        Object first = client.get(A_WHILE).orElseThrow();

        assertThat(client.get(A_WHILE)).containsSame(first);
        assertThat(builtOn.get()).isEqualTo("test client");
        assertThat(aws.awaitBuilt(A_WHILE)).isTrue();
        assertThat(failures).isEmpty();
    }

    @Test
    void whoeverAsksForAClientStillBeingBuiltWaitsForItAsLongAsTheySay() throws Exception {
        var release = new CountDownLatch(1);
        InBackground<String> client = aws.inBackground(
                "slow client",
                () -> {
                    awaitQuietly(release);
                    return "built";
                },
                logged);

        assertThat(client.get(Duration.ofMillis(50))).as("not yet").isEmpty();
        assertThat(aws.awaitBuilt(Duration.ofMillis(50)))
                .as("still being built")
                .isFalse();
        var asked = new AtomicReference<Optional<String>>();
        Thread asker = Thread.ofVirtual().start(() -> asked.set(client.get(A_WHILE)));
        release.countDown();
        asker.join(A_WHILE);

        assertThat(asked.get()).contains("built");
        assertThat(aws.awaitBuilt(A_WHILE)).isTrue();
    }

    @Test
    void aClientThatCouldNotBeBuiltIsLoggedAtOnceAndNamedToWhoeverAsksForIt() {
        InBackground<Object> client = aws.inBackground(
                "Bedrock client",
                () -> {
                    throw new IllegalArgumentException("no such endpoint");
                },
                logged);

        assertThat(aws.awaitBuilt(A_WHILE)).as("done, but not built").isFalse();
        assertThat(failures).containsExactly("Bedrock client: no such endpoint");
        assertThatThrownBy(() -> client.get(A_WHILE))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The Bedrock client could not be built: no such endpoint")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRestoreThatComesWhileAClientIsBeingBuiltWaitsForItThenRenewsItsHttpClient() {
        var release = new CountDownLatch(1);
        InBackground<S3Client> s3 = s3BuiltOnceReleased(release);
        Thread.ofVirtual().start(() -> {
            sleepQuietly(100);
            release.countDown();
        });

        assertThat(aws.renewConnections()).isEqualTo(1);

        assertThat(s3.get(A_WHILE)).isPresent();
        List<AutoCloseable> renewed = aws.currentHttpClients();
        assertThat(renewed).hasSize(1);
        aws.renewConnections();
        assertThat(aws.currentHttpClients()).singleElement().isNotSameAs(renewed.getFirst());
    }

    @Test
    void aClientBuiltAfterTheShutdownBeganIsClosedAndNeverRenewed() {
        var release = new CountDownLatch(1);
        InBackground<S3Client> s3 = s3BuiltOnceReleased(release);

        aws.close();
        release.countDown();

        assertThat(s3.get(A_WHILE)).isPresent();
        assertThat(aws.currentHttpClients()).isEmpty();
        assertThat(aws.renewConnections()).isZero();
    }

    /** An S3 client (one of the builders whose HTTP clients are renewed) built once {@code release} counts down. */
    private InBackground<S3Client> s3BuiltOnceReleased(CountDownLatch release) {
        return aws.inBackground(
                "S3 client",
                () -> {
                    awaitQuietly(release);
                    return aws.s3(Optional.empty());
                },
                logged);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
