package dev.bedrockchat.function.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.Conversation;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Reads and writes conversation documents as JSON. */
public final class ConversationCodec {
    private final ObjectMapper mapper;

    public ConversationCodec(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    public byte[] write(Conversation conversation) {
        try {
            return mapper.writeValueAsBytes(conversation);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Conversation read(byte[] json) {
        try {
            return mapper.readValue(json, Conversation.class);
        } catch (IOException e) {
            throw new UncheckedIOException("Conversation document cannot be read", e);
        }
    }
}
