package dev.bedrockchat.function.chat;

import java.util.List;

/**
 * What is sent to the model for one turn: the system prompt, the (trimmed) history ending with the new user message,
 * and the inference settings.
 */
public record ModelRequest(String modelId, String systemPrompt, List<ChatMessage> messages, int maxTokens,
                           double temperature) {
    public ModelRequest {
        messages = List.copyOf(messages);
    }

    /** The last user message: the question of this turn. */
    public String question() {
        return messages.getLast().content();
    }
}
