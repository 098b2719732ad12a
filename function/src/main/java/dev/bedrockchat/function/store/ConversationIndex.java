package dev.bedrockchat.function.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.ConversationSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A person's index ({@code conversations/<principalKey>/index.json}): one entry per conversation document of theirs,
 * with what a listing shows and the version of the document it was taken from, so that a listing reads this one object
 * instead of every document, and can tell from the folder's listing which entries are behind.
 *
 * @param conversations the entries, in no particular order
 */
public record ConversationIndex(List<Entry> conversations) {
    public static final ConversationIndex EMPTY = new ConversationIndex(List.of());

    public ConversationIndex {
        conversations = List.copyOf(conversations == null ? List.of() : conversations);
    }

    /**
     * One conversation: its summary (absent for a deleted one, which has {@code deletedAt}), the document's revision
     * and entity tag when this entry was taken, and whether the document is a legacy one
     * ({@code conversations/<id>.json}, before sign-in).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Entry(
            String id,
            String title,
            String createdAt,
            String updatedAt,
            Integer messageCount,
            long revision,
            String etag,
            Boolean legacy,
            String deletedAt) {

        static Entry of(Conversation conversation, String etag, boolean legacy) {
            ConversationSummary summary = conversation.summary();
            return new Entry(
                    summary.conversationId(),
                    summary.title(),
                    summary.createdAt(),
                    summary.updatedAt(),
                    summary.messageCount(),
                    conversation.revision(),
                    etag,
                    legacy ? Boolean.TRUE : null,
                    null);
        }

        static Entry tombstone(String id, long revision, String etag, boolean legacy, String deletedAt) {
            return new Entry(id, null, null, null, null, revision, etag, legacy ? Boolean.TRUE : null, deletedAt);
        }

        boolean deleted() {
            return deletedAt != null;
        }

        boolean fromLegacyKey() {
            return Boolean.TRUE.equals(legacy);
        }

        ConversationSummary summary() {
            return new ConversationSummary(id, title, createdAt, updatedAt, messageCount == null ? 0 : messageCount);
        }
    }

    /** The entry of a conversation. */
    Optional<Entry> entry(String id) {
        return conversations.stream().filter(entry -> entry.id().equals(id)).findFirst();
    }

    /** The index with the entry, unless it already has one taken from a later revision. */
    ConversationIndex with(Entry entry) {
        Map<String, Entry> byId = byId();
        Entry existing = byId.get(entry.id());
        if (existing != null && existing.revision() > entry.revision()) {
            return this;
        }
        byId.put(entry.id(), entry);
        return new ConversationIndex(new ArrayList<>(byId.values()));
    }

    /** The index with these entries, as they are (taken from fresh reads), and without the ids in {@code gone}. */
    ConversationIndex replaced(List<Entry> fresh, List<String> gone) {
        Map<String, Entry> byId = byId();
        gone.forEach(byId::remove);
        fresh.forEach(entry -> byId.put(entry.id(), entry));
        return new ConversationIndex(new ArrayList<>(byId.values()));
    }

    private Map<String, Entry> byId() {
        var byId = new LinkedHashMap<String, Entry>();
        conversations.forEach(entry -> byId.put(entry.id(), entry));
        return byId;
    }
}
