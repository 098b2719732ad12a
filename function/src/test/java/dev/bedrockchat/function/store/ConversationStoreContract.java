package dev.bedrockchat.function.store;

import static dev.bedrockchat.function.store.Turns.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationDeletedException;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ConversationStore} adapter promises, run against each of them: the S3 store against an
 * S3-compatible server, the local store against a folder.
 */
abstract class ConversationStoreContract {

    /** The store under test. */
    abstract ConversationStore store();

    /** The stored document of a conversation as its bytes say, read beside the store. */
    abstract String storedDocument(String conversationId) throws Exception;

    @Test
    void aConversationIsCreatedAppendedReadAndDeletedWithItsOwner() throws Exception {
        ConversationStore store = store();
        String id = UUID.randomUUID().toString();

        assertThat(store.find(id)).isEmpty();
        store.append(id, Principal.SHARED_TOKEN, turn("one"));
        Conversation conversation = store.append(id, Principal.SHARED_TOKEN, turn("two"));

        assertThat(conversation.messages())
                .extracting(StoredMessage::content)
                .containsExactly("one", "re: one", "two", "re: two");
        assertThat(store.find(id)).contains(conversation);
        assertThat(conversation.isOwnedBy(Principal.SHARED_TOKEN)).isTrue();
        assertThat(conversation.isOwnedBy(Principal.ANONYMOUS)).isFalse();
        assertThat(storedDocument(id)).contains("\"owner\":{\"kind\":\"token\",\"id\":\"shared-token\"}");

        store.delete(id);
        assertThat(store.find(id)).isEmpty();
        store.delete(id);
    }

    @Test
    void aTurnAppendedTwiceIsStoredOnceAndALaterTurnStillIs() throws Exception {
        ConversationStore store = store();
        String id = UUID.randomUUID().toString();
        List<StoredMessage> once = turn("once");

        store.append(id, Principal.ANONYMOUS, once);
        Conversation again = store.append(id, Principal.ANONYMOUS, once);
        store.append(id, Principal.ANONYMOUS, turn("once"));

        assertThat(again.messages()).containsExactlyElementsOf(once);
        assertThat(store.find(id).orElseThrow().messages())
                .extracting(StoredMessage::content)
                .containsExactly("once", "re: once", "once", "re: once");
        assertThat(storedDocument(id)).contains("\"turn\":\"" + once.getFirst().turn() + "\"");
    }

    @Test
    void aDeletedConversationKeepsNoMessageAndNoLaterTurnBringsItBack() throws Exception {
        ConversationStore store = store();
        String id = UUID.randomUUID().toString();
        store.append(id, Principal.ANONYMOUS, turn("first"));
        store.delete(id);

        assertThatThrownBy(() -> store.append(id, Principal.ANONYMOUS, turn("late")))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(store.find(id)).isEmpty();
        assertThat(storedDocument(id))
                .contains("deletedAt")
                .doesNotContain("first")
                .doesNotContain("late");
        String other = UUID.randomUUID().toString();
        assertThat(store.append(other, Principal.ANONYMOUS, turn("new")).messages())
                .extracting(StoredMessage::content)
                .containsExactly("new", "re: new");
    }

    @Test
    void aFirstTurnStillRunningWhenItsConversationWasDeletedDoesNotBringItBack() {
        ConversationStore store = store();
        String id = UUID.randomUUID().toString();

        store.delete(id);

        assertThatThrownBy(() -> store.append(id, Principal.ANONYMOUS, turn("late")))
                .isInstanceOf(ConversationDeletedException.class);
        assertThat(store.find(id)).isEmpty();
    }
}
