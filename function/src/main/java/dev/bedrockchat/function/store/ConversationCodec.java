package dev.bedrockchat.function.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.Conversation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Optional;

/**
 * Reads and writes conversation documents as JSON. A deleted conversation leaves a tombstone in its place
 * ({@code {"conversationId":…,"deletedAt":…}}, no messages), so that a turn still running when it was deleted cannot
 * bring it back.
 */
public final class ConversationCodec {
    private static final String DELETED_AT = "deletedAt";

    private final ObjectMapper mapper;

    public ConversationCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] write(Conversation conversation) {
        return write((Object) conversation);
    }

    private byte[] write(Object document) {
        try {
            return mapper.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public byte[] tombstone(String conversationId, String deletedAt) {
        return write(
                mapper.createObjectNode().put("conversationId", conversationId).put(DELETED_AT, deletedAt));
    }

    /** The conversation in the document; empty when it is the tombstone of a deleted conversation. */
    public Optional<Conversation> decode(byte[] json) {
        try {
            JsonNode document = mapper.readTree(json);
            return document.has(DELETED_AT)
                    ? Optional.empty()
                    : Optional.of(mapper.treeToValue(document, Conversation.class));
        } catch (IOException e) {
            throw new UncheckedIOException("Conversation document cannot be read", e);
        }
    }
}
