package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.log.JsonLog;
import dev.bedrockchat.function.store.ConversationCodec;
import dev.bedrockchat.function.store.ObjectConversationStore;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The order in which a turn is reported to its transport: a streamed answer begins ({@code started}) only once the
 * model's stream has opened, exactly once, and never when the model failed before answering at all; and what of a
 * turn is stored (on the local store): whole answers, partial ones with their reason, nothing for another's
 * conversation.
 */
class ChatServiceStreamTest {
    private static final String MODEL = "amazon.nova-micro-v1:0";

    private final ObjectMapper mapper = new ObjectMapper();
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

    @TempDir
    Path dataDir;

    private ConversationStore store;

    @BeforeEach
    void openStore() {
        store = new ObjectConversationStore(
                "local", new LocalObjectStore(dataDir), new ConversationCodec(mapper), Clock.systemUTC());
    }

    private List<StoredMessage> stored(ChatResult result) {
        return store.find(Principal.ANONYMOUS, result.conversationId())
                .orElseThrow()
                .messages();
    }

    private List<ConversationSummary> listed() {
        return store.list(Principal.ANONYMOUS, ConversationQuery.firstPage()).conversations();
    }

    private final ChatListener listener = new ChatListener() {
        @Override
        public void accepted(String conversationId, String modelId) {
            heard.add("accepted " + modelId);
        }

        @Override
        public void started(String conversationId, String title, String modelId) {
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
        assertThat(stored(result)).extracting(StoredMessage::content).containsExactly("Hi", "Hello");
        assertThat(result.stored()).isTrue();
        assertThat(result.title()).isEqualTo("Hi");
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
        assertThat(listed()).isEmpty();
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
        assertThat(artifact.path("partialReason").asText()).isEqualTo("model_error");
        assertThat(artifact.path("stored").asBoolean()).isTrue();
        // The part the person saw is kept in the conversation, marked.
        String id = artifact.path("conversationId").asText();
        List<StoredMessage> messages =
                store.find(Principal.ANONYMOUS, id).orElseThrow().messages();
        assertThat(messages).extracting(StoredMessage::content).containsExactly("Hi", "Half an ");
        assertThat(messages.get(1).incomplete()).isTrue();
        assertThat(messages.get(1).partialReason()).isEqualTo("model_error");
    }

    @Test
    void aClientThatLeavesMidAnswerLeavesThePartialAnswerMarked() throws Exception {
        var model = new ScriptedModel((request, deltas) -> {
            deltas.onOpen();
            deltas.onDelta("So far ");
            deltas.onDelta("so good");
            return new ModelReply("So far so good", "end_turn", new Usage(3, 2));
        });
        ChatListener leaving = new ChatListener() {
            @Override
            public void delta(String text) {
                if (text.equals("so good")) {
                    throw new ClientDisconnectedException(new IOException("broken pipe"));
                }
            }
        };

        assertThatThrownBy(() -> service(model).chat(Principal.ANONYMOUS, streamed("req-left-000001", "Hi"), leaving))
                .isInstanceOf(ClientDisconnectedException.class);

        JsonNode artifact = onlyArtifact();
        List<StoredMessage> messages = store.find(
                        Principal.ANONYMOUS, artifact.path("conversationId").asText())
                .orElseThrow()
                .messages();
        assertThat(messages.get(1).content()).isEqualTo("So far so good");
        assertThat(messages.get(1).partialReason()).isEqualTo("client_disconnected");
    }

    @Test
    void anAnswerCutAtTheTokenLimitIsStoredAsPartial() {
        var model = new ScriptedModel((request, deltas) -> {
            deltas.onDelta("Once upon");
            return new ModelReply("Once upon", "max_tokens", new Usage(3, 2));
        });

        ChatResult result = service(model).chat(Principal.ANONYMOUS, streamed("req-max-0000001", "Hi"), listener);

        assertThat(stored(result).get(1).partialReason()).isEqualTo("max_tokens");
        assertThat(result.stopReason()).isEqualTo("max_tokens");
    }

    @Test
    void aTurnIntoAConversationThatIsNotTheCallersIsNotFoundBeforeTheModelIsCalled() {
        ChatResult mine = service(new ScriptedModel((request, deltas) -> new ModelReply("ok", "end_turn", Usage.NONE)))
                .chat(Principal.SHARED_TOKEN, streamed("req-mine-000001", "mine"), listener);
        var model = new ScriptedModel((request, deltas) -> {
            throw new AssertionError("the model is not called");
        });
        var someoneElse =
                new ChatCommand("req-other-00001", "hi", Optional.of(mine.conversationId()), Optional.empty(), true);
        var unknown = new ChatCommand(
                "req-unknown-001", "hi", Optional.of(UUID.randomUUID().toString()), Optional.empty(), true);

        for (ChatCommand command : List.of(someoneElse, unknown)) {
            assertThatThrownBy(() -> service(model).chat(Principal.ANONYMOUS, command, listener))
                    .isInstanceOfSatisfying(
                            ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
        }
        assertThat(listed()).isEmpty();
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
