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
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The order in which a turn is reported to its transport: a streamed answer begins ({@code started}) only once the
 * model's stream has opened, exactly once, and never when the model failed before answering at all.
 */
class ChatServiceStreamTest {
    private static final String MODEL = "amazon.nova-micro-v1:0";

    private final ObjectMapper mapper = new ObjectMapper();
    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<String, byte[]> artifacts = new ConcurrentHashMap<>();
    private final List<String> heard = new ArrayList<>();

    /** A model answering with the given behaviour, on the calling thread as the port requires. */
    private record ScriptedModel(BiFunction<ModelRequest, DeltaListener, ModelReply> stream) implements ChatModel {
        @Override
        public String mode() {
            return "scripted";
        }

        @Override
        public ModelReply converse(ModelRequest request) {
            return new ModelReply("whole", "end_turn", new Usage(1, 1));
        }

        @Override
        public ModelReply converseStream(ModelRequest request, DeltaListener listener) {
            return stream.apply(request, listener);
        }
    }

    private final ConversationStore store = new ConversationStore() {
        @Override
        public String kind() {
            return "memory";
        }

        @Override
        public Optional<Conversation> find(String conversationId) {
            return Optional.ofNullable(conversations.get(conversationId));
        }

        @Override
        public Conversation append(String conversationId, Principal owner, List<StoredMessage> messages) {
            return conversations.compute(
                    conversationId,
                    (id, existing) -> (existing == null ? Conversation.start(id, owner, "now") : existing)
                            .withAppended(messages, "now"));
        }

        @Override
        public void delete(String conversationId) {
            conversations.remove(conversationId);
        }
    };

    private final ChatListener listener = new ChatListener() {
        @Override
        public void accepted(String conversationId, String modelId) {
            heard.add("accepted " + modelId);
        }

        @Override
        public void started(String conversationId, String modelId) {
            heard.add("started " + modelId);
        }

        @Override
        public void delta(String text) {
            heard.add("delta " + text);
        }

        @Override
        public void completed(ChatResult result) {
            heard.add("completed " + result.reply());
        }
    };

    private ChatService service(ChatModel model) {
        var log = new JsonLog(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), mapper, Clock.systemUTC());
        ArtifactStore artifactStore = (key, json) -> artifacts.put(key, json);
        return new ChatService(
                model,
                new ModelCatalog(MODEL, List.of(MODEL)),
                store,
                new ArtifactRecorder(artifactStore, mapper, log, List.of(Duration.ofMillis(1))),
                SystemPrompt.of("Be brief."),
                new HistoryWindow(10_000),
                new ChatSettings(1000, 100, 0.5, "test", Duration.ofMinutes(1)),
                Clock.systemUTC());
    }

    private static ChatCommand streamed(String requestId, String message) {
        return new ChatCommand(requestId, message, Optional.empty(), Optional.empty(), true);
    }

    private JsonNode onlyArtifact() throws IOException {
        assertThat(artifacts).hasSize(1);
        return mapper.readTree(artifacts.values().iterator().next());
    }

    @Test
    void aStreamBeginsWhenTheModelOpensItAndOnlyOnce() {
        var model = new ScriptedModel((request, deltas) -> {
            deltas.onOpen();
            deltas.onOpen();
            deltas.onDelta("Hel");
            deltas.onDelta("lo");
            return new ModelReply("Hello", "end_turn", new Usage(3, 2));
        });

        ChatResult result = service(model).chat(Principal.ANONYMOUS, streamed("req-open-00001", "Hi"), listener);

        assertThat(heard)
                .containsExactly("accepted " + MODEL, "started " + MODEL, "delta Hel", "delta lo", "completed Hello");
        assertThat(conversations.get(result.conversationId()).messages())
                .extracting(StoredMessage::content)
                .containsExactly("Hi", "Hello");
    }

    @Test
    void aDeltaWithoutAnOpeningStillBeginsTheStreamFirst() {
        var model = new ScriptedModel((request, deltas) -> {
            deltas.onDelta("Hel");
            deltas.onDelta("lo");
            return new ModelReply("Hello", "end_turn", new Usage(3, 2));
        });

        service(model).chat(Principal.ANONYMOUS, streamed("req-noopen-0001", "Hi"), listener);

        assertThat(heard)
                .containsExactly("accepted " + MODEL, "started " + MODEL, "delta Hel", "delta lo", "completed Hello");
    }

    @Test
    void anEmptyAnswerThatNeverOpenedStillBeginsBeforeItCompletes() {
        var model = new ScriptedModel((request, deltas) -> new ModelReply("", "max_tokens", new Usage(3, 0)));

        service(model).chat(Principal.ANONYMOUS, streamed("req-empty-00001", "Hi"), listener);

        assertThat(heard).containsExactly("accepted " + MODEL, "started " + MODEL, "completed ");
    }

    @Test
    void aFailureBeforeTheStreamOpensNeverBeginsItAndIsStillRecorded() throws Exception {
        var model = new ScriptedModel((request, deltas) -> {
            throw new ChatException(ErrorCode.THROTTLED, "Slow down", OptionalInt.of(5), null);
        });

        assertThatThrownBy(() -> service(model).chat(Principal.ANONYMOUS, streamed("req-before-0001", "Hi"), listener))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.THROTTLED));

        assertThat(heard).containsExactly("accepted " + MODEL);
        assertThat(conversations).isEmpty();
        JsonNode artifact = onlyArtifact();
        assertThat(artifact.path("message").asText()).isEqualTo("Hi");
        assertThat(artifact.path("streamed").asBoolean()).isTrue();
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("Throttled");
        assertThat(artifact.path("reply").isNull()).isTrue();
    }

    @Test
    void aFailureAfterTheStreamOpenedKeepsThePartialAnswerInTheArtifact() throws Exception {
        var model = new ScriptedModel((request, deltas) -> {
            deltas.onOpen();
            deltas.onDelta("Half an ");
            throw new ChatException(ErrorCode.MODEL_ERROR, "The model failed", OptionalInt.empty(), null);
        });

        assertThatThrownBy(() -> service(model).chat(Principal.ANONYMOUS, streamed("req-after-00001", "Hi"), listener))
                .isInstanceOf(ChatException.class);

        assertThat(heard).containsExactly("accepted " + MODEL, "started " + MODEL, "delta Half an ");
        JsonNode artifact = onlyArtifact();
        assertThat(artifact.path("error").path("code").asText()).isEqualTo("ModelError");
        assertThat(artifact.path("reply").asText()).isEqualTo("Half an ");
    }

    @Test
    void aWholeAnswerBeginsBeforeTheModelIsCalled() {
        var command = new ChatCommand("req-whole-00001", "Hi", Optional.empty(), Optional.empty(), false);

        service(new ScriptedModel((request, deltas) -> {
                    throw new AssertionError("a whole answer is not streamed");
                }))
                .chat(Principal.ANONYMOUS, command, listener);

        assertThat(heard).containsExactly("accepted " + MODEL, "started " + MODEL, "completed whole");
    }
}
