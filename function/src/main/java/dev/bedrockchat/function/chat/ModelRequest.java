package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What is sent to the model for one answer: the system prompt, the messages ending with the user's question, the
 * inference settings, and the deadline by which the answer must be complete.
 *
 * @param topP          the nucleus-sampling bound, when the caller chose one (else the model's default)
 * @param stopSequences texts at which the model stops; empty for none
 */
public record ModelRequest(
        String modelId,
        String systemPrompt,
        List<ChatMessage> messages,
        int maxTokens,
        double temperature,
        Deadline deadline,
        Optional<Double> topP,
        List<String> stopSequences) {
    public ModelRequest {
        messages = List.copyOf(messages);
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(topP, "topP");
        stopSequences = List.copyOf(stopSequences);
    }

    /** A request with the model's default top-p and no stop sequences (a chat turn). */
    public ModelRequest(
            String modelId,
            String systemPrompt,
            List<ChatMessage> messages,
            int maxTokens,
            double temperature,
            Deadline deadline) {
        this(modelId, systemPrompt, messages, maxTokens, temperature, deadline, Optional.empty(), List.of());
    }

    /** The last user message: the question of this turn. */
    public String question() {
        return messages.getLast().content();
    }
}
