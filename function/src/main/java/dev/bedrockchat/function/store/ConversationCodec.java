package dev.bedrockchat.function.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.Conversation;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Reads and writes the stored JSON: conversation documents, the tombstones deleted conversations leave in their place
 * ({@code {"conversationId":…,"deletedAt":…,"revision":…}}, no messages, so that a turn still running when it was
 * deleted cannot bring it back), and the per-person index.
 */
public final class ConversationCodec {
    private static final String DELETED_AT = "deletedAt";

    private final ObjectMapper mapper;

    public ConversationCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** A document as read: a conversation, or the tombstone of a deleted one (no conversation). */
    public record Document(Conversation conversation, long revision, String deletedAt) {
        public boolean deleted() {
            return conversation == null;
        }
    }

    public byte[] write(Conversation conversation) {
        return bytes(conversation);
    }

    public byte[] tombstone(String conversationId, String deletedAt, long revision) {
        return bytes(mapper.createObjectNode()
                .put("conversationId", conversationId)
                .put(DELETED_AT, deletedAt)
                .put("revision", revision));
    }

    public Document decode(byte[] json) {
        try {
            JsonNode document = mapper.readTree(json);
            if (document.has(DELETED_AT)) {
                return new Document(
                        null,
                        document.path("revision").asLong(0),
                        document.path(DELETED_AT).asText());
            }
            Conversation conversation = mapper.treeToValue(document, Conversation.class);
            return new Document(conversation, conversation.revision(), null);
        } catch (IOException e) {
            throw new UncheckedIOException("Conversation document cannot be read", e);
        }
    }

    public byte[] writeIndex(ConversationIndex index) {
        return bytes(index);
    }

    /** The index in the bytes; an index that cannot be read counts as empty (the next listing rebuilds it). */
    public ConversationIndex readIndex(byte[] json) {
        try {
            ConversationIndex index = mapper.readValue(json, ConversationIndex.class);
            return index == null ? ConversationIndex.EMPTY : index;
        } catch (IOException e) {
            return ConversationIndex.EMPTY;
        }
    }

    private byte[] bytes(Object value) {
        try {
            return mapper.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
