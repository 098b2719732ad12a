package dev.bedrockchat.function.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The few things the conversation store needs of an object store (an S3 bucket, a local folder): whole-object reads,
 * writes that hold only under a condition (the object is absent, or unchanged since it was read), and the objects of
 * one folder. Both adapters behave alike, so that one store logic ({@link ObjectConversationStore}) runs on either.
 *
 * <p>Every failure to reach the storage is a {@link dev.bedrockchat.function.chat.ChatException} with
 * {@code StorageUnavailable}; a condition that does not hold is a {@link ConditionFailedException}.
 */
public interface ObjectStore {

    /** An object as read: its bytes and its entity tag (the version a conditional write names). */
    record StoredObject(byte[] content, String etag) {}

    /** An object as listed. */
    record Listed(String key, String etag, Instant lastModified) {}

    /** When a write may happen. */
    sealed interface Condition {
        /** Only when there is no object under the key yet. */
        record IfAbsent() implements Condition {}

        /** Only when the object is still the version with this entity tag. */
        record IfMatch(String etag) implements Condition {}

        static Condition ifAbsent() {
            return new IfAbsent();
        }

        static Condition ifMatch(String etag) {
            return new IfMatch(etag);
        }
    }

    /** The object under the key; empty when there is none. */
    Optional<StoredObject> get(String key);

    /** What a read that names the version the reader already has finds. */
    sealed interface Reread {
        /** Another version: this one. */
        record Changed(StoredObject object) implements Reread {}

        /** Still the version the reader has (its content was not sent again). */
        record Unchanged() implements Reread {}

        /** No object under the key any more. */
        record Absent() implements Reread {}
    }

    /**
     * The object under the key unless it is still the version with this entity tag (S3: {@code If-None-Match}, a 304
     * without the content; the local folder: the version's remembered tag, without reading the file).
     */
    default Reread getUnlessUnchanged(String key, String etag) {
        return get(key).<Reread>map(
                        object -> object.etag().equals(etag) ? new Reread.Unchanged() : new Reread.Changed(object))
                .orElseGet(Reread.Absent::new);
    }

    /**
     * Writes the object, when the condition holds.
     *
     * @return the entity tag of the version written
     * @throws ConditionFailedException when it does not hold (another writer came first)
     */
    String put(String key, byte[] content, Condition condition);

    /** Every object directly in the folder {@code prefix} (which ends with {@code /}), not those of folders below. */
    List<Listed> list(String prefix);
}
