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
     * Appends messages to a conversation, creating it (owned by {@code owner}) if it does not exist yet.
     *
     * @return the document as written
     */
    Conversation append(String conversationId, Principal owner, List<StoredMessage> messages);

    /** Deletes a conversation; deleting one that does not exist is not an error. */
    void delete(String conversationId);
}
