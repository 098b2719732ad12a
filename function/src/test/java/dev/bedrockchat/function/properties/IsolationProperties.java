package dev.bedrockchat.function.properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ArtifactRecorder;
import dev.bedrockchat.function.chat.ChatCommand;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatListener;
import dev.bedrockchat.function.chat.ChatModel;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.ChatSettings;
import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.ConversationSummary;
import dev.bedrockchat.function.chat.DeltaListener;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.HistoryWindow;
import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.function.chat.ModelReply;
import dev.bedrockchat.function.chat.ModelRequest;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.SystemPrompt;
import dev.bedrockchat.function.log.JsonLog;
import dev.bedrockchat.function.offline.OfflineChatModel;
import dev.bedrockchat.function.store.ConversationCodec;
import dev.bedrockchat.function.store.ObjectConversationStore;
import dev.bedrockchat.function.store.local.LocalArtifactStore;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * Two people, any two principals: whatever one holds, the other can neither read, rename, export, delete, continue
 * nor list it, and the model is never called for such a turn; each listing shows exactly the caller's own.
 */
class IsolationProperties {
    private static final String MODEL = "amazon.nova-lite-v1:0";
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The stand-in, counting its calls. */
    private static final class CountingModel implements ChatModel {
        final OfflineChatModel model = new OfflineChatModel(Duration.ZERO);
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public String mode() {
            return "offline";
        }

        @Override
        public ModelReply converse(ModelRequest request) {
            calls.incrementAndGet();
            return model.converse(request);
        }

        @Override
        public ModelReply converseStream(ModelRequest request, DeltaListener listener) {
            calls.incrementAndGet();
            return model.converseStream(request, listener);
        }
    }

    private static ChatService service(Path dir, ChatModel model) {
        var log = new JsonLog(
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8),
                MAPPER,
                Clock.systemUTC());
        return new ChatService(
                model,
                new ModelCatalog(MODEL, List.of(MODEL)),
                new ObjectConversationStore(
                        "local", new LocalObjectStore(dir), new ConversationCodec(MAPPER), Clock.systemUTC()),
                new ArtifactRecorder(new LocalArtifactStore(dir), MAPPER, log, List.of(Duration.ofMillis(1))),
                SystemPrompt.of("Be brief."),
                new HistoryWindow(10_000),
                new ChatSettings(1000, 100, 0.5, "test", Duration.ofMinutes(1)),
                Clock.systemUTC());
    }

    private static String start(ChatService chat, Principal who, String message, boolean streamed) {
        return chat.chat(
                        who,
                        new ChatCommand(
                                "req-" + System.nanoTime(), message, Optional.empty(), Optional.empty(), streamed),
                        new ChatListener() {})
                .conversationId();
    }

    private static List<String> listed(ChatService chat, Principal who, Optional<String> text) {
        var ids = new ArrayList<String>();
        Optional<String> cursor = Optional.empty();
        do {
            var page = chat.conversations(
                    who, new ConversationQuery(2, cursor.map(dev.bedrockchat.function.chat.ListCursor::decode), text));
            page.conversations().stream()
                    .map(ConversationSummary::conversationId)
                    .forEach(ids::add);
            cursor = page.nextCursor();
        } while (cursor.isPresent());
        return ids;
    }

    @Provide
    Arbitrary<List<Principal>> twoPeople() {
        Arbitrary<Principal> anyone = Arbitraries.oneOf(
                Arbitraries.just(Principal.ANONYMOUS),
                Arbitraries.just(Principal.SHARED_TOKEN),
                Combinators.combine(
                                Arbitraries.strings()
                                        .withCharRange('a', 'z')
                                        .ofMinLength(1)
                                        .ofMaxLength(16),
                                Arbitraries.strings().ofMinLength(1).ofMaxLength(40))
                        .as(Principal::new));
        return anyone.list()
                .ofSize(2)
                .filter(pair -> !pair.get(0).key().equals(pair.get(1).key()));
    }

    @Property(tries = 60)
    void noOneReachesAnotherPersonsConversations(
            @ForAll("twoPeople") List<Principal> people,
            @ForAll @IntRange(min = 1, max = 3) int hers,
            @ForAll @IntRange(min = 0, max = 2) int his)
            throws IOException {
        Principal ada = people.get(0);
        Principal bob = people.get(1);
        Path dir = Files.createTempDirectory("isolation");
        var model = new CountingModel();
        ChatService chat = service(dir, model);
        var adas = new ArrayList<String>();
        for (int i = 0; i < hers; i++) {
            adas.add(start(chat, ada, "ada's secret " + i, i % 2 == 0));
        }
        var bobs = new ArrayList<String>();
        for (int i = 0; i < his; i++) {
            bobs.add(start(chat, bob, "bob's note " + i, i % 2 == 1));
        }
        int calls = model.calls.get();

        for (String id : adas) {
            assertThat(chat.conversation(bob, id)).isEmpty();
            assertThat(chat.rename(bob, id, "taken")).isEmpty();
            assertThat(chat.deleteConversation(bob, id)).isFalse();
            for (boolean streamed : List.of(false, true)) {
                var turn = new ChatCommand("req-into-other", "hi", Optional.of(id), Optional.empty(), streamed);
                assertThatThrownBy(() -> chat.chat(bob, turn, new ChatListener() {}))
                        .isInstanceOfSatisfying(
                                ChatException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
            }
        }
        assertThat(model.calls.get())
                .as("no turn into another's conversation reaches the model")
                .isEqualTo(calls);
        assertThat(listed(chat, bob, Optional.empty())).containsExactlyInAnyOrderElementsOf(bobs);
        assertThat(listed(chat, bob, Optional.of("secret"))).isEmpty();
        assertThat(listed(chat, ada, Optional.empty())).containsExactlyInAnyOrderElementsOf(adas);
        assertThat(listed(chat, ada, Optional.of("note"))).isEmpty();

        assertThat(chat.deleteConversations(bob)).isEqualTo(his);
        assertThat(listed(chat, ada, Optional.empty())).containsExactlyInAnyOrderElementsOf(adas);
        for (String id : adas) {
            assertThat(chat.conversation(ada, id)).isPresent();
        }
    }
}
