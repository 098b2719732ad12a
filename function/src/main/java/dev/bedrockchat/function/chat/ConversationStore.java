package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Optional;

/**
 * The port to conversation memory: every person's conversations apart, under their principal's key. A principal only
 * ever reaches its own conversations (another's id is simply not found), and the conversations written before sign-in
 * existed belong to the anonymous principal. Ids reaching a store have been validated as UUIDs.
 *
 * <p>Every failure to reach the storage is a {@link ChatException} with {@link ErrorCode#STORAGE_UNAVAILABLE}.
 */
public interface ConversationStore {

    /** {@code s3} or {@code local}, as reported by health. */
    String kind();

    /** The principal's conversation; empty when it has none with this id (or it was deleted). */
    Optional<Conversation> find(Principal owner, String conversationId);

    /**
     * Creates the principal's conversation as its first turn begins (before the model is called), without messages,
     * so that it exists (and can be deleted for good) while that turn runs.
     *
     * @throws ChatException StorageUnavailable, or InternalError should the id be taken
     */
    Conversation create(Principal owner, String conversationId, String title);

    /**
     * Stores one turn, merged into the document as it is when written: concurrent turns are all kept, each in the
     * order of its arrival, and a turn the document already holds (a write repeated after it had succeeded) is not
     * added again. Writes that lose a race are retried until {@code deadline}.
     *
     * @param turn   the messages of one turn, which carry the turn's id
     * @param create whether the turn starts the conversation (a new id the service chose); otherwise the conversation
     *               must exist
     * @return the document as written (or as found, when it already held the turn)
     * @throws ConversationDeletedException when the conversation was deleted, or (without {@code create}) does not
     *     exist
     */
    Conversation append(
            Principal owner, String conversationId, List<StoredMessage> turn, boolean create, Deadline deadline);

    /** Gives the conversation the person's own title; empty when the principal has no such conversation. */
    Optional<Conversation> rename(Principal owner, String conversationId, String title, Deadline deadline);

    /**
     * Deletes the principal's conversation for good: its messages are gone, and a tombstone keeps its id so that no
     * turn still running brings it back. Nothing is written when it does not exist.
     *
     * @return whether there was such a conversation
     */
    boolean delete(Principal owner, String conversationId, Deadline deadline);

    /** Deletes every conversation of the principal; returns how many there were. */
    int deleteAll(Principal owner, Deadline deadline);

    /** A page of the principal's conversations, newest {@code updatedAt} first. */
    ConversationPage list(Principal owner, ConversationQuery query);
}
