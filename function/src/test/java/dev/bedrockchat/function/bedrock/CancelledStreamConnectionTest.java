package dev.bedrockchat.function.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.aws.AwsClients;
import dev.bedrockchat.function.aws.InBackground;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ErrorReason;
import dev.bedrockchat.function.chat.ModelReply;
import dev.bedrockchat.function.chat.ModelRequest;
import dev.bedrockchat.function.testing.ScriptedBedrock;
import dev.bedrockchat.function.testing.ScriptedBedrock.Step;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;

/**
 * A streamed answer that the function stops (its client left, or its deadline passed) while the model is still
 * sending: the connection to Bedrock is closed at once, so the model stops generating tokens no one reads, and the
 * connection's slot of the pool is free for the next call. Against the Bedrock stand-in over HTTP/1.1, through the
 * real SDK and its AWS CRT HTTP client, with a pool of one connection.
 */
class CancelledStreamConnectionTest {
    private static final Duration MODEL_TIMEOUT = Duration.ofSeconds(30);
    /** 200 parts 50 ms apart: the whole answer would take 10 seconds. */
    private static final Step LONG_ANSWER = Step.slow(200, Duration.ofMillis(50));

    private ScriptedBedrock bedrock;
    private AwsClients clients;
    private BedrockChatModel model;

    @BeforeEach
    void start() {
        bedrock = ScriptedBedrock.start();
        clients = new AwsClients(Region.US_EAST_1, TestApp.FAKE_CREDENTIALS);
        Optional<URI> endpoint = Optional.of(bedrock.endpoint());
        var client = clients.bedrockRuntime(endpoint, MODEL_TIMEOUT, 1);
        var streamingClient = clients.bedrockRuntimeAsync(endpoint, 1, MODEL_TIMEOUT);
        model = new BedrockChatModel(
                InBackground.done("Bedrock client", client),
                InBackground.done("Bedrock streaming client", streamingClient),
                "us-east-1",
                MODEL_TIMEOUT,
                new ModelCallLimit(1, ModelCallLimit.QUEUE_WAIT));
    }

    @AfterEach
    void stop() {
        clients.close();
        bedrock.close();
    }

    @Test
    void aClientThatLeavesMidStreamClosesTheConnectionAndFreesItsSlot() throws Exception {
        bedrock.script("long-answer", LONG_ANSWER);
        var received = new ArrayList<String>();

        assertThatThrownBy(() -> model.converseStream(request("long-answer please", Duration.ofMinutes(1)), text -> {
                    received.add(text);
                    if (received.size() == 3) {
                        throw new ClientDisconnectedException(new IOException("Broken pipe"));
                    }
                }))
                .isInstanceOf(ClientDisconnectedException.class);

        assertThat(received).containsExactly("Part 1. ", "Part 2. ", "Part 3. ");
        ScriptedBedrock.Call call = bedrock.callsFor("long-answer").getFirst();
        assertThat(call.awaitClosedByCaller(Duration.ofSeconds(3))).isTrue();
        // The one connection of the pool is free again long before the cancelled answer would have ended.
        ModelReply next = model.converseStream(request("next question", Duration.ofSeconds(5)), text -> {});
        assertThat(next.text()).isEqualTo("Stand-in reply to: next question");
        assertThat(bedrock.calls()).hasSize(2);
    }

    @Test
    void anAnswerPastItsDeadlineClosesTheConnection() throws Exception {
        bedrock.script("slow-answer", LONG_ANSWER);
        var received = new ArrayList<String>();

        assertThatThrownBy(
                        () -> model.converseStream(request("slow-answer please", Duration.ofSeconds(1)), received::add))
                .isInstanceOfSatisfying(ChatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT);
                    assertThat(e.reason()).contains(ErrorReason.TIMEOUT);
                });

        assertThat(received).isNotEmpty().first().isEqualTo("Part 1. ");
        assertThat(received).doesNotContain("Part 200. ");
        assertThat(bedrock.callsFor("slow-answer").getFirst().awaitClosedByCaller(Duration.ofSeconds(3)))
                .isTrue();
    }

    private static ModelRequest request(String message, Duration deadline) {
        return new ModelRequest(
                "anthropic.claude-test", "", List.of(ChatMessage.user(message)), 512, 0.5, Deadline.in(deadline));
    }
}
