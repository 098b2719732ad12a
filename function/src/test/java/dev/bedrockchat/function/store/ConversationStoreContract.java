package dev.bedrockchat.function.store;

import static dev.bedrockchat.function.store.Turns.partialTurn;
import static dev.bedrockchat.function.store.Turns.person;
import static dev.bedrockchat.function.store.Turns.turn;
import static dev.bedrockchat.function.store.Turns.turnAt;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationDeletedException;
import dev.bedrockchat.function.chat.ConversationPage;
import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.ConversationSummary;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.ListCursor;
import dev.bedrockchat.function.chat.PartialReason;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.ObjectStore.Condition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * What every conversation store promises, run against each object store it runs on: an S3-compatible server and a
 * local folder. Each test gets an empty store of its own ({@link #objects()}).
 */
abstract class ConversationStoreContract {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    static final ConversationCodec CODEC = new ConversationCodec(MAPPER);

    /** An empty object store for this test (the same one on every call within a test). */
    abstract ObjectStore objects();

    ConversationStore store() {
        return new ObjectConversationStore("test", objects(), CODEC, Clock.systemUTC());
    }

    static Deadline soon() {
        return Deadline.in(Duration.ofSeconds(30));
    }

    String stored(String key) {
        return new String(objects().get(key).orElseThrow().content(), StandardCharsets.UTF_8);
    }

    JsonNode storedJson(String key) throws Exception {
        return MAPPER.readTree(stored(key));
    }

    List<String> keys(String folder) {
        return objects().list(folder).stream().map(ObjectStore.Listed::key).toList();
    }

    private static List<String> contents(Conversation conversation) {
        return conversation.messages().stream().map(StoredMessage::content).toList();
    }

    private static List<String> ids(ConversationPage page) {
        return page.conversations().stream()
                .map(ConversationSummary::conversationId)
                .toList();
    }

    private static ConversationQuery query(int limit, Optional<String> cursor, Optional<String> text) {
        return new ConversationQuery(limit, cursor.map(ListCursor::decode), text);
    }

    @Test
    void aConversationLivesInItsOwnersFolderWithAnEntryInTheirIndex() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();

        assertThat(store.find(ada, id)).isEmpty();
        store.append(ada, id, turn("Hello there, how are you?"), true, soon());
        Conversation conversation = store.append(ada, id, turn("two"), false, soon());

        assertThat(contents(conversation))
                .containsExactly("Hello there, how are you?", "re: Hello there, how are you?", "two", "re: two");
        assertThat(store.find(ada, id)).contains(conversation);
        assertThat(conversation.title()).isEqualTo("Hello there, how are you?");
        assertThat(conversation.revision()).isEqualTo(2);
        String folder = "conversations/" + ada.key() + "/";
        // A turn writes its document only; the index is written by the next listing.
        assertThat(keys(folder)).containsExactly(folder + id + ".json");
        assertThat(ids(store.list(ada, ConversationQuery.firstPage()))).containsExactly(id);
        assertThat(keys(folder)).containsExactlyInAnyOrder(folder + id + ".json", folder + "index.json");
        JsonNode document = storedJson(folder + id + ".json");
        assertThat(document.path("owner").path("kind").asText()).isEqualTo("oidc");
        assertThat(document.path("title").asText()).isEqualTo("Hello there, how are you?");
        assertThat(document.path("messages").get(0).path("turn").asText()).isNotBlank();
        JsonNode entry = storedJson(folder + "index.json").path("conversations").get(0);
        assertThat(entry.path("id").asText()).isEqualTo(id);
        assertThat(entry.path("title").asText()).isEqualTo("Hello there, how are you?");
        assertThat(entry.path("messageCount").asInt()).isEqualTo(4);
        assertThat(entry.path("createdAt").asText()).isEqualTo(conversation.createdAt());
        assertThat(entry.path("updatedAt").asText()).isEqualTo(conversation.updatedAt());
        // No personal data in any key.
        assertThat(keys(folder)).allSatisfy(key -> assertThat(key).doesNotContain(ada.id()));
    }

    @Test
    void aConversationCreatedAsItsFirstTurnBeginsExistsEmptyAndCanBeDeletedForGood() {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();

        Conversation begun = store.create(ada, id, "Its first question");

        assertThat(store.find(ada, id)).contains(begun);
        assertThat(begun.messages()).isEmpty();
        assertThat(store.list(ada, ConversationQuery.firstPage()).conversations())
                .singleElement()
                .satisfies(summary -> assertThat(summary.title()).isEqualTo("Its first question"));
        assertThat(store.delete(ada, id, soon())).isTrue();
        assertThatThrownBy(() -> store.append(ada, id, turn("Its first question"), true, soon()))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(store.find(ada, id)).isEmpty();
    }

    /**
     * A process that wrote a turn remembers the document; when another process deletes the conversation, the same turn
     * written again (a repeated write) finds the deletion instead of the remembered version.
     */
    @Test
    void aTurnWrittenAgainAfterAnotherProcessDeletedItsConversationFindsItDeleted() {
        ConversationStore mine = store();
        ConversationStore other = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        List<StoredMessage> turn = turn("written twice");
        mine.append(ada, id, turn, true, soon());

        assertThat(other.delete(ada, id, soon())).isTrue();

        assertThatThrownBy(() -> mine.append(ada, id, turn, false, soon()))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(mine.find(ada, id)).isEmpty();
    }

    /** Another process's turn in between: this process's next turn is written from the document as it is then. */
    @Test
    void aTurnAfterAnotherProcessesTurnKeepsBoth() {
        ConversationStore mine = store();
        ConversationStore other = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        mine.append(ada, id, turn("mine first"), true, soon());
        other.append(ada, id, turn("theirs"), false, soon());

        Conversation last = mine.append(ada, id, turn("mine again"), false, soon());

        assertThat(contents(last))
                .containsExactly(
                        "mine first", "re: mine first", "theirs", "re: theirs", "mine again", "re: mine again");
        assertThat(other.find(ada, id)).contains(last);
    }

    @Test
    void aTurnAppendedTwiceIsStoredOnceAndALaterTurnStillIs() {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        List<StoredMessage> once = turn("once");

        store.append(ada, id, once, true, soon());
        Conversation again = store.append(ada, id, once, true, soon());
        store.append(ada, id, turn("once"), false, soon());

        assertThat(again.messages()).containsExactlyElementsOf(once);
        assertThat(contents(store.find(ada, id).orElseThrow())).containsExactly("once", "re: once", "once", "re: once");
    }

    @Test
    void turnsAreOrderedByTheirArrivalWhateverOrderTheyAreWrittenIn() {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        Instant base = Instant.parse("2025-06-01T10:00:00Z");

        store.append(ada, id, turnAt("third", base.plusSeconds(3)), true, soon());
        store.append(ada, id, turnAt("first", base.plusSeconds(1)), false, soon());
        Conversation result = store.append(ada, id, turnAt("second", base.plusSeconds(2)), false, soon());

        assertThat(contents(result))
                .containsExactly("first", "re: first", "second", "re: second", "third", "re: third");
        assertThat(result.title()).isEqualTo("first");
    }

    @Test
    void fiftyConcurrentTurnsIntoOneConversationAreAllStoredOnceInTheOrderTheyArrived() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turnAt("opening", Instant.parse("2025-06-01T09:00:00Z")), true, soon());
        Instant base = Instant.parse("2025-06-01T10:00:00Z");
        int turns = 50;
        List<Integer> order = new ArrayList<>(IntStream.range(0, turns).boxed().toList());
        Collections.shuffle(order);
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<Conversation>>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i : order) {
                List<StoredMessage> turn = turnAt("q" + i, base.plusMillis(i));
                futures.add(executor.submit(() -> {
                    start.await();
                    return store.append(ada, id, turn, false, Deadline.in(Duration.ofSeconds(60)));
                }));
            }
            start.countDown();
            for (Future<Conversation> future : futures) {
                future.get();
            }
        }

        List<String> expected = new ArrayList<>(List.of("opening", "re: opening"));
        for (int i = 0; i < turns; i++) {
            expected.add("q" + i);
            expected.add("re: q" + i);
        }
        Conversation stored = store.find(ada, id).orElseThrow();
        assertThat(contents(stored)).containsExactlyElementsOf(expected);
        assertThat(stored.revision()).isEqualTo(turns + 1);
        assertThat(store.list(ada, ConversationQuery.firstPage()).conversations())
                .singleElement()
                .satisfies(summary -> assertThat(summary.messageCount()).isEqualTo(2 * (turns + 1)));
    }

    @Test
    void aPartialAnswerKeepsItsMark() {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();

        store.append(ada, id, partialTurn("tell me", PartialReason.CLIENT_DISCONNECTED), true, soon());

        StoredMessage answer = store.find(ada, id).orElseThrow().messages().get(1);
        assertThat(answer.incomplete()).isTrue();
        assertThat(answer.partialReason()).isEqualTo("client_disconnected");
        assertThat(answer.content()).isEqualTo("half an answ");
    }

    @Test
    void aTurnIntoAConversationThatDoesNotExistIsRefusedAndWritesNothing() {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();

        assertThatThrownBy(() -> store.append(ada, id, turn("hello?"), false, soon()))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(keys("conversations/" + ada.key() + "/")).isEmpty();
    }

    @Test
    void aDeletedConversationKeepsNoMessageAndNoLaterTurnBringsItBack() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turn("first"), true, soon());

        assertThat(store.delete(ada, id, soon())).isTrue();

        assertThatThrownBy(() -> store.append(ada, id, turn("late"), true, soon()))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(store.find(ada, id)).isEmpty();
        String document = stored("conversations/" + ada.key() + "/" + id + ".json");
        assertThat(document).contains("deletedAt").doesNotContain("first").doesNotContain("late");
        assertThat(store.delete(ada, id, soon())).isFalse();
        assertThat(store.list(ada, ConversationQuery.firstPage()).conversations())
                .isEmpty();
    }

    @Test
    void deletingAConversationThatNeverExistedIsRefusedAndWritesNothing() {
        ConversationStore store = store();
        Principal ada = person();

        assertThat(store.delete(ada, UUID.randomUUID().toString(), soon())).isFalse();
        assertThat(store.rename(ada, UUID.randomUUID().toString(), "x", soon())).isEmpty();

        assertThat(keys("conversations/" + ada.key() + "/")).isEmpty();
        assertThat(keys("conversations/")).isEmpty();
    }

    @Test
    void anotherPersonsConversationIsNeverFoundChangedOrListed() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        Principal bob = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turn("ada's secret"), true, soon());

        assertThat(store.find(bob, id)).isEmpty();
        assertThat(store.rename(bob, id, "mine now", soon())).isEmpty();
        assertThat(store.delete(bob, id, soon())).isFalse();
        assertThatThrownBy(() -> store.append(bob, id, turn("bob's"), false, soon()))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(store.list(bob, ConversationQuery.firstPage()).conversations())
                .isEmpty();
        assertThat(store.list(bob, query(20, Optional.empty(), Optional.of("secret")))
                        .conversations())
                .isEmpty();
        assertThat(store.deleteAll(bob, soon())).isZero();

        assertThat(contents(store.find(ada, id).orElseThrow())).containsExactly("ada's secret", "re: ada's secret");
        assertThat(ids(store.list(ada, ConversationQuery.firstPage()))).containsExactly(id);
    }

    @Test
    void aRenamedConversationKeepsItsTitleAndTheListingShowsIt() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turn("What is the capital of France?"), true, soon());

        Conversation renamed = store.rename(ada, id, "Geography", soon()).orElseThrow();
        store.append(ada, id, turn("And of Spain?"), false, soon());

        assertThat(renamed.title()).isEqualTo("Geography");
        assertThat(store.find(ada, id).orElseThrow().title()).isEqualTo("Geography");
        assertThat(store.list(ada, ConversationQuery.firstPage()).conversations())
                .singleElement()
                .satisfies(summary -> assertThat(summary.title()).isEqualTo("Geography"));
        assertThat(storedJson("conversations/" + ada.key() + "/" + id + ".json")
                        .path("renamed")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void theListingIsNewestFirstAndPagesThroughEveryConversationOnce() {
        ConversationStore store = store();
        Principal ada = person();
        var created = new ArrayList<String>();
        for (int i = 0; i < 7; i++) {
            String id = UUID.randomUUID().toString();
            store.append(ada, id, turn("conversation " + i), true, soon());
            created.add(id);
            sleepMillis(3);
        }
        Collections.reverse(created);

        var seen = new ArrayList<String>();
        Optional<String> cursor = Optional.empty();
        int pages = 0;
        do {
            ConversationPage page = store.list(ada, query(3, cursor, Optional.empty()));
            assertThat(page.conversations()).hasSizeLessThanOrEqualTo(3);
            seen.addAll(ids(page));
            cursor = page.nextCursor();
            pages++;
        } while (cursor.isPresent());

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(created);
        // A turn moves a conversation to the top.
        store.append(ada, created.getLast(), turn("again"), false, soon());
        assertThat(ids(store.list(ada, query(1, Optional.empty(), Optional.empty()))))
                .containsExactly(created.getLast());
    }

    @Test
    void searchMatchesTitlesAndMessageTextsIgnoringCase() {
        ConversationStore store = store();
        Principal ada = person();
        String byTitle = UUID.randomUUID().toString();
        String byAnswer = UUID.randomUUID().toString();
        String neither = UUID.randomUUID().toString();
        store.append(ada, byTitle, turn("Zebra facts"), true, soon());
        store.append(ada, byAnswer, turn("animals"), true, soon());
        store.append(ada, byAnswer, turn("tell me about the ZEBRA crossing"), false, soon());
        store.append(ada, neither, turn("lions"), true, soon());

        assertThat(ids(store.list(ada, query(20, Optional.empty(), Optional.of("zebra")))))
                .containsExactlyInAnyOrder(byTitle, byAnswer);
        assertThat(ids(store.list(ada, query(20, Optional.empty(), Optional.of("re: LIONS")))))
                .containsExactly(neither);
        ConversationPage first = store.list(ada, query(1, Optional.empty(), Optional.of("zebra")));
        ConversationPage second = store.list(ada, query(1, first.nextCursor(), Optional.of("zebra")));
        assertThat(ids(first)).hasSize(1);
        assertThat(ids(second)).hasSize(1).doesNotContainAnyElementsOf(ids(first));
        assertThat(second.nextCursor()).isEmpty();
    }

    @Test
    void aMissingIndexIsRebuiltFromThePersonsFolder() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turn("remember me"), true, soon());
        store.list(ada, ConversationQuery.firstPage());
        String index = "conversations/" + ada.key() + "/index.json";
        // The index is lost (a write of it failed): write an empty one over it.
        String tag = objects().get(index).orElseThrow().etag();
        objects().put(index, "{\"conversations\":[]}".getBytes(StandardCharsets.UTF_8), Condition.ifMatch(tag));

        ConversationPage page = store.list(ada, ConversationQuery.firstPage());

        assertThat(ids(page)).containsExactly(id);
        assertThat(page.conversations().getFirst().title()).isEqualTo("remember me");
        assertThat(storedJson(index).path("conversations").get(0).path("id").asText())
                .isEqualTo(id);
    }

    @Test
    void anIndexThatIsBehindADocumentIsRefreshedFromIt() throws Exception {
        ConversationStore store = store();
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store.append(ada, id, turn("first"), true, soon());
        assertThat(store.list(ada, ConversationQuery.firstPage())
                        .conversations()
                        .getFirst()
                        .messageCount())
                .isEqualTo(2);
        String key = "conversations/" + ada.key() + "/" + id + ".json";
        // The document changes behind the index's back (as a turn of another process's does).
        var stale = objects().get(key).orElseThrow();
        Conversation updated = CODEC.decode(stale.content())
                .conversation()
                .withTurn(turn("second"), Instant.now().toString());
        objects().put(key, CODEC.write(updated), Condition.ifMatch(stale.etag()));

        ConversationSummary summary =
                store.list(ada, ConversationQuery.firstPage()).conversations().getFirst();

        assertThat(summary.messageCount()).isEqualTo(4);
        assertThat(summary.updatedAt()).isEqualTo(updated.updatedAt());
    }

    @Test
    void deletingAllOfMineLeavesOthersAlone() {
        ConversationStore store = store();
        Principal ada = person();
        Principal bob = person();
        for (int i = 0; i < 3; i++) {
            store.append(ada, UUID.randomUUID().toString(), turn("ada " + i), true, soon());
        }
        String bobs = UUID.randomUUID().toString();
        store.append(bob, bobs, turn("bob"), true, soon());

        assertThat(store.deleteAll(ada, soon())).isEqualTo(3);

        assertThat(store.list(ada, ConversationQuery.firstPage()).conversations())
                .isEmpty();
        assertThat(store.deleteAll(ada, soon())).isZero();
        assertThat(ids(store.list(bob, ConversationQuery.firstPage()))).containsExactly(bobs);
    }

    @Test
    void legacyDocumentsBelongToTheAnonymousPrincipal() throws Exception {
        ConversationStore store = store();
        String id = UUID.randomUUID().toString();
        String legacy = "conversations/" + id + ".json";
        objects()
                .put(
                        legacy,
                        ("{\"conversationId\":\"" + id + "\",\"owner\":{\"kind\":\"anonymous\",\"id\":\"anonymous\"},"
                                        + "\"createdAt\":\"2025-01-01T00:00:00Z\",\"updatedAt\":\"2025-01-01T00:00:00Z\","
                                        + "\"messages\":[{\"role\":\"user\",\"content\":\"old question\","
                                        + "\"at\":\"2025-01-01T00:00:00Z\"},{\"role\":\"assistant\",\"content\":\"old "
                                        + "answer\",\"at\":\"2025-01-01T00:00:01Z\"}]}")
                                .getBytes(StandardCharsets.UTF_8),
                        Condition.ifAbsent());

        assertThat(store.find(Principal.SHARED_TOKEN, id)).isEmpty();
        assertThat(store.list(Principal.SHARED_TOKEN, ConversationQuery.firstPage())
                        .conversations())
                .isEmpty();
        Conversation found = store.find(Principal.ANONYMOUS, id).orElseThrow();
        assertThat(found.title()).isEqualTo("old question");
        assertThat(ids(store.list(Principal.ANONYMOUS, ConversationQuery.firstPage())))
                .containsExactly(id);

        store.append(Principal.ANONYMOUS, id, turn("new question"), false, soon());
        assertThat(stored(legacy)).contains("new question");
        assertThat(contents(store.find(Principal.ANONYMOUS, id).orElseThrow()))
                .containsExactly("old question", "old answer", "new question", "re: new question");
        assertThat(store.list(Principal.ANONYMOUS, ConversationQuery.firstPage())
                        .conversations())
                .singleElement()
                .satisfies(summary -> assertThat(summary.messageCount()).isEqualTo(4));

        assertThat(store.delete(Principal.ANONYMOUS, id, soon())).isTrue();
        assertThat(stored(legacy)).contains("deletedAt").doesNotContain("question");
        assertThat(store.list(Principal.ANONYMOUS, ConversationQuery.firstPage())
                        .conversations())
                .isEmpty();
    }

    @Test
    void aCursorThisApiDidNotGiveIsRefused() {
        assertThatThrownBy(() -> ListCursor.decode("not-a-cursor"))
                .isInstanceOfSatisfying(
                        ChatException.class, e -> assertThat(e.getMessage()).contains("cursor"));
    }

    private static void sleepMillis(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
