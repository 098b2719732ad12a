package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Optional;

/**
 * The port to conversation memory. Ids reaching a store have been validated as UUIDs. Appends are atomic per
 * conversation: concurrent turns on one conversation are all kept.
 */
public interface ConversationStore {

    /** {@code s3} or {@code local}, as reported by health. */
    String kind();

    Optional<Conversation> find(String conversationId);

    /**
     * Appends messages to a conversation, creating it (owned by {@code owner}) if it does not exist yet. Appending is
     * idempotent per turn: when the document already {@linkplain Conversation#holds holds} the messages (a write that
     * is repeated after it had in fact succeeded), it is left as it is.
     *
     * @param messages the messages of one turn, which carry the turn's id
     * @return the document as written (or as found, when it already held the turn)
     * @throws ConversationDeletedException when the conversation was deleted (its tombstone is never appended to)
     */
    Conversation append(String conversationId, Principal owner, List<StoredMessage> messages);

    /**
     * Deletes a conversation's messages for good. Its id stays taken by a tombstone, so that no append (not even a
     * first turn still running when it was deleted) brings it back; deleting one that does not exist is not an error.
     */
    void delete(String conversationId);
}
