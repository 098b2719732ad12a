package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Objects;

/**
 * What is sent to the model for one turn: the system prompt, the (trimmed) history ending with the new user message,
 * the inference settings, and the deadline by which the answer must be complete.
 */
public record ModelRequest(
        String modelId,
        String systemPrompt,
        List<ChatMessage> messages,
        int maxTokens,
        double temperature,
        Deadline deadline) {
    public ModelRequest {
        messages = List.copyOf(messages);
        Objects.requireNonNull(deadline, "deadline");
    }

    /** The last user message: the question of this turn. */
    public String question() {
        return messages.getLast().content();
    }
}
