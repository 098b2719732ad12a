package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One stateless completion, as a program asks for it: the whole conversation comes with the request and nothing of
 * it is stored.
 *
 * @param requestId     the request's id (its artifact's)
 * @param modelId       the model, one of the catalog's
 * @param system        the caller's system instructions; empty for none
 * @param messages      the conversation, user first and last, user and assistant taking turns
 * @param maxTokens     the longest answer asked for; empty for the configured maximum (MAX_TOKENS)
 * @param temperature   the sampling temperature; empty for the configured one (TEMPERATURE)
 * @param topP          the nucleus-sampling bound; empty for the model's default
 * @param stopSequences texts at which the answer stops; empty for none
 * @param streamed      whether the answer is streamed as it is produced
 * @param timeLimit     the transport's own limit for the whole answer, if it has one
 */
public record CompletionRequest(
        String requestId,
        String modelId,
        String system,
        List<ChatMessage> messages,
        OptionalInt maxTokens,
        Optional<Double> temperature,
        Optional<Double> topP,
        List<String> stopSequences,
        boolean streamed,
        Optional<Deadline> timeLimit) {
    public CompletionRequest {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(system, "system");
        messages = List.copyOf(messages);
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(topP, "topP");
        stopSequences = List.copyOf(stopSequences);
        Objects.requireNonNull(timeLimit, "timeLimit");
    }
}
