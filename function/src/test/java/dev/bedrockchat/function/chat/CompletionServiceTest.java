package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Stateless completions in the chat layer: what reaches the model port (the caller's system text and turns, the
 * limits), the order a stream is reported in, the refusals before any call, and the artifact of every call, also of
 * one that stopped mid-way.
 */
class CompletionServiceTest {
    private static final String MODEL = "amazon.nova-micro-v1:0";

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    private final List<String> heard = new ArrayList<>();
    private final AtomicReference<ModelRequest> sent = new AtomicReference<>();

    /** A model answering with the given behaviour, on the calling thread as the port requires. */
    private record ScriptedModel(BiFunction<ModelRequest, DeltaListener, ModelReply> stream) implements ChatModel {
        @Override
        public String mode() {
            return "scripted";
        }

        @Override
        public ModelReply converse(ModelRequest request) {
            return stream.apply(request, text -> {});
        }

        @Override
        public ModelReply converseStream(ModelRequest request, DeltaListener listener) {
            return stream.apply(request, listener);
        }
    }

    private final CompletionListener listener = new CompletionListener() {
        @Override
        public void started(String modelId) {
            heard.add("started " + modelId);
        }

        @Override
        public void delta(String text) {
            heard.add("delta " + text);
        }
    };

    private CompletionService service(BiFunction<ModelRequest, DeltaListener, ModelReply> behaviour) {
        var log = new JsonLog(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), mapper, Clock.systemUTC());
        ArtifactStore store = (key, json) -> artifacts.put(key, json);
        ChatModel model = new ScriptedModel((request, deltas) -> {
            sent.set(request);
            return behaviour.apply(request, deltas);
        });
        return new CompletionService(
                model,
                new ModelCatalog(MODEL, List.of(MODEL)),
                new ArtifactRecorder(store, mapper, log, List.of(Duration.ofMillis(1))),
                new ChatSettings(1000, 300, 0.5, "test", Duration.ofMinutes(1)),
                200,
                Clock.systemUTC());
    }

    private static CompletionRequest request(String requestId, List<ChatMessage> messages, boolean streamed) {
        return new CompletionRequest(
                requestId,
                MODEL,
                "Be brief.",
                messages,
                OptionalInt.empty(),
                Optional.empty(),
                Optional.empty(),
                List.of(),
                streamed,
                Optional.empty());
    }

    private JsonNode onlyArtifact() throws IOException {
        assertThat(artifacts).hasSize(1);
        return mapper.readTree(artifacts.values().iterator().next());
    }

    @Test
    void aStreamBeginsWhenTheModelOpensItAndTheArtifactIsMarkedAsTheApis() throws IOException {
        var completions = service((request, deltas) -> {
            deltas.onOpen();
            deltas.onDelta("Hel");
            deltas.onDelta("lo");
            return new ModelReply("Hello", "end_turn", new Usage(7, 2));
        });

        CompletionResult result = completions.complete(
                Principal.SHARED_TOKEN, request("req-0001", List.of(ChatMessage.user("Hi")), true), listener);

        assertThat(heard).containsExactly("started " + MODEL, "delta Hel", "delta lo");
        assertThat(result)
                .isEqualTo(new CompletionResult(
                        MODEL, "Hello", "end_turn", new Usage(7, 2), result.latencyMs(), result.timeToFirstTokenMs()));
        JsonNode artifact = onlyArtifact();
        assertThat(artifact.path("api").asText()).isEqualTo("openai");
        assertThat(artifact.path("mode").asText()).isEqualTo("scripted");
        assertThat(artifact.path("conversationId").isNull()).isTrue();
        assertThat(artifact.path("principal").path("kind").asText()).isEqualTo("token");
        assertThat(artifact.path("message").asText()).isEqualTo("Hi");
        assertThat(artifact.path("reply").asText()).isEqualTo("Hello");
        assertThat(artifact.path("stored").asBoolean()).isFalse();
        assertThat(artifact.path("error").isNull()).isTrue();
    }

    @Test
    void theCallersSystemTextAndTurnsAndTheLimitsReachTheModel() {
        var completions = service((request, deltas) -> new ModelReply("ok", "end_turn", Usage.NONE));
        var command = new CompletionRequest(
                "req-0002",
                MODEL,
                "Answer in French.",
                List.of(
                        ChatMessage.user("One"),
                        ChatMessage.user("Two"),
                        ChatMessage.assistant(" "),
                        ChatMessage.assistant("Un, deux"),
                        ChatMessage.user("Three")),
                OptionalInt.of(42),
                Optional.of(0.1),
                Optional.of(0.9),
                List.of("###"),
                false,
                Optional.empty());

        completions.complete(Principal.ANONYMOUS, command, listener);

        ModelRequest request = sent.get();
        assertThat(request.systemPrompt()).isEqualTo("Answer in French.");
        assertThat(request.messages())
                .containsExactly(
                        ChatMessage.user("One\n\nTwo"), ChatMessage.assistant("Un, deux"), ChatMessage.user("Three"));
        assertThat(request.maxTokens()).isEqualTo(42);
        assertThat(request.temperature()).isEqualTo(0.1);
        assertThat(request.topP()).contains(0.9);
        assertThat(request.stopSequences()).containsExactly("###");
        assertThat(heard).containsExactly("started " + MODEL);
    }

    @Test
    void requestsBeyondTheLimitsAreRefusedBeforeAnyCallAndLeaveNoArtifact() {
        var completions = service((request, deltas) -> new ModelReply("ok", "end_turn", Usage.NONE));
        List<ChatMessage> hi = List.of(ChatMessage.user("Hi"));

        assertPart(
                () -> completions.complete(
                        Principal.ANONYMOUS,
                        new CompletionRequest(
                                "r",
                                MODEL,
                                "",
                                hi,
                                OptionalInt.of(301),
                                Optional.empty(),
                                Optional.empty(),
                                List.of(),
                                false,
                                Optional.empty()),
                        listener),
                InvalidCompletionException.Part.MAX_TOKENS);
        assertPart(
                () -> completions.complete(
                        Principal.ANONYMOUS,
                        new CompletionRequest(
                                "r",
                                MODEL,
                                "",
                                hi,
                                OptionalInt.empty(),
                                Optional.of(1.01),
                                Optional.empty(),
                                List.of(),
                                false,
                                Optional.empty()),
                        listener),
                InvalidCompletionException.Part.TEMPERATURE);
        assertPart(
                () -> completions.complete(
                        Principal.ANONYMOUS,
                        new CompletionRequest(
                                "r",
                                MODEL,
                                "x".repeat(199),
                                hi,
                                OptionalInt.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                List.of(),
                                false,
                                Optional.empty()),
                        listener),
                InvalidCompletionException.Part.MESSAGES);
        assertPart(
                () -> completions.complete(
                        Principal.ANONYMOUS, request("r", List.of(ChatMessage.assistant("Hello")), false), listener),
                InvalidCompletionException.Part.MESSAGES);
        assertThatThrownBy(() -> completions.complete(
                        Principal.ANONYMOUS,
                        new CompletionRequest(
                                "r",
                                "amazon.nova-pro-v1:0",
                                "",
                                hi,
                                OptionalInt.empty(),
                                Optional.empty(),
                                Optional.empty(),
                                List.of(),
                                false,
                                Optional.empty()),
                        listener))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MODEL_NOT_ALLOWED));
        assertThat(sent.get()).as("no model call").isNull();
        assertThat(artifacts).isEmpty();
    }

    @Test
    void aClientThatLeavesMidStreamLeavesThePartInTheArtifact() throws IOException {
        var completions = service((request, deltas) -> {
            deltas.onOpen();
            deltas.onDelta("Half an ");
            deltas.onDelta("answer");
            throw new IllegalStateException("unreachable");
        });
        CompletionListener leaving = new CompletionListener() {
            @Override
            public void delta(String text) {
                if (text.equals("answer")) {
                    throw new ClientDisconnectedException(new IOException("Broken pipe"));
                }
            }
        };

        assertThatThrownBy(() -> completions.complete(
                        Principal.ANONYMOUS, request("req-0003", List.of(ChatMessage.user("Hi")), true), leaving))
                .isInstanceOf(ClientDisconnectedException.class);

        JsonNode artifact = onlyArtifact();
        assertThat(artifact.path("reply").asText()).isEqualTo("Half an answer");
        assertThat(artifact.path("partialReason").asText()).isEqualTo("client_disconnected");
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ClientDisconnected");
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsMarkedSoInTheArtifact() throws IOException {
        var completions = service((request, deltas) -> new ModelReply("Cut", "max_tokens", new Usage(3, 300)));

        CompletionResult result = completions.complete(
                Principal.ANONYMOUS, request("req-0004", List.of(ChatMessage.user("Long, please")), false), listener);

        assertThat(result.stopReason()).isEqualTo("max_tokens");
        assertThat(onlyArtifact().path("partialReason").asText()).isEqualTo("max_tokens");
    }

    private static void assertPart(Runnable call, InvalidCompletionException.Part part) {
        assertThatThrownBy(call::run)
                .isInstanceOfSatisfying(
                        InvalidCompletionException.class,
                        e -> assertThat(e.part()).isEqualTo(part));
    }
}
