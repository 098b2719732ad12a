package dev.bedrockchat.function.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.aws.AwsClients;
import dev.bedrockchat.function.aws.InBackground;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ModelRequest;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;

/** Model calls that come while the Bedrock clients are still being built, or after they could not be. */
class ClientsInBackgroundTest {
    private final AwsClients aws = new AwsClients(Region.US_EAST_1, TestApp.FAKE_CREDENTIALS);
    private final CountDownLatch never = new CountDownLatch(1);

    @AfterEach
    void stop() {
        never.countDown();
        aws.close();
    }

    /** A model over the two clients, one call at a time. */
    private static BedrockChatModel modelOver(
            InBackground<BedrockRuntimeClient> client, InBackground<BedrockRuntimeAsyncClient> streamingClient) {
        return new BedrockChatModel(
                client,
                streamingClient,
                "us-east-1",
                Duration.ofSeconds(5),
                new ModelCallLimit(1, Duration.ofSeconds(1)));
    }

    @Test
    void aCallToAClientThatCouldNotBeBuiltIsToldSoAndNotToTryAgain() {
        var model = modelOver(failing("Bedrock client"), failing("Bedrock streaming client"));

        for (var call : List.<Runnable>of(
                () -> model.converse(request(Duration.ofSeconds(5))),
                () -> model.converseStream(request(Duration.ofSeconds(5)), text -> {}))) {
            assertThatThrownBy(call::run).isInstanceOfSatisfying(ChatException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
                assertThat(e.getMessage())
                        .isEqualTo("The function could not set up its Amazon Bedrock client, so it cannot call"
                                + " the model until it is restarted; its log line bedrock_client_failed says"
                                + " why");
            });
        }
        // The slot of each failed call was given back: a third call is not refused as busy.
        assertThatThrownBy(() -> model.converse(request(Duration.ofSeconds(5))))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INTERNAL_ERROR));
    }

    @Test
    void aCallWaitsForAClientStillBeingBuiltNoLongerThanItsDeadline() {
        var model = modelOver(neverBuilt("Bedrock client"), neverBuilt("Bedrock streaming client"));

        long t0 = System.nanoTime();
        assertThatThrownBy(() -> model.converse(request(Duration.ofMillis(300))))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT));
        assertThatThrownBy(() -> model.converseStream(request(Duration.ofMillis(300)), text -> {}))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT));
        assertThat(Duration.ofNanos(System.nanoTime() - t0))
                .as("two waits of 300 ms")
                .isLessThan(Duration.ofSeconds(4));
    }

    /** A client whose build fails. */
    private <C> InBackground<C> failing(String name) {
        return aws.inBackground(
                name,
                () -> {
                    throw new IllegalStateException("no native library");
                },
                (client, e) -> {});
    }

    /** A client whose build does not end before the test does. */
    private <C> InBackground<C> neverBuilt(String name) {
        return aws.inBackground(
                name,
                () -> {
                    awaitQuietly(never);
                    return null;
                },
                (client, e) -> {});
    }

    private static ModelRequest request(Duration deadline) {
        return new ModelRequest(
                "anthropic.claude-test", "", List.of(ChatMessage.user("hello")), 512, 0.5, Deadline.in(deadline));
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
