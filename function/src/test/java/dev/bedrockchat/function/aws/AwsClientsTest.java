package dev.bedrockchat.function.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;

/** Clients built in the background: the server listens meanwhile, and whoever needs one waits for it. */
class AwsClientsTest {
    private final AwsClients aws = new AwsClients(
            Region.US_EAST_1, StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "test")));

    @Test
    void aClientBuiltInTheBackgroundIsBuiltOnceOnAThreadOfItsOwnAndGivenToEveryoneWhoAsks() {
        var builtOn = new AtomicReference<String>();
        Supplier<Object> client = aws.inBackground("test client", () -> {
            builtOn.set(Thread.currentThread().getName());
            return new Object();
        });

        Object first = client.get();

        assertThat(client.get()).isSameAs(first);
        assertThat(builtOn.get()).isEqualTo("test client");
        assertThat(aws.awaitBuilt(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void whoeverAsksForAClientStillBeingBuiltWaitsForIt() throws Exception {
        var release = new CountDownLatch(1);
        Supplier<String> client = aws.inBackground("slow client", () -> {
            awaitQuietly(release);
            return "built";
        });

        assertThat(aws.awaitBuilt(Duration.ofMillis(50)))
                .as("still being built")
                .isFalse();
        var asked = new AtomicReference<String>();
        Thread asker = Thread.ofVirtual().start(() -> asked.set(client.get()));
        asker.join(Duration.ofMillis(50));
        assertThat(asked.get()).as("waiting").isNull();

        release.countDown();
        asker.join(Duration.ofSeconds(5));
        assertThat(asked.get()).isEqualTo("built");
        assertThat(aws.awaitBuilt(Duration.ofSeconds(5))).isTrue();
    }

    @Test
    void aClientThatCouldNotBeBuiltIsNamedToWhoeverAsksForIt() {
        Supplier<Object> client = aws.inBackground("Bedrock client", () -> {
            throw new IllegalArgumentException("no such endpoint");
        });

        assertThat(aws.awaitBuilt(Duration.ofSeconds(5))).as("done, if failed").isTrue();
        assertThatThrownBy(client::get)
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("The Bedrock client could not be built: no such endpoint")
                .hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theHttpClientsOfAClientBuiltInTheBackgroundAreRenewedAfterARestore() {
        var release = new CountDownLatch(1);
        Supplier<Object> s3 = aws.inBackground("S3 client", () -> {
            awaitQuietly(release);
            return aws.s3(java.util.Optional.empty());
        });
        Thread.ofVirtual().start(() -> {
            sleepQuietly(100);
            release.countDown();
        });

        // A restore that comes while the client is still being built waits for it, then renews its HTTP client.
        assertThat(aws.renewConnections()).isEqualTo(1);
        assertThat(s3.get()).isNotNull();
        aws.close();
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
