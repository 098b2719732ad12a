package dev.bedrockchat.function.chat;

/**
 * A completion that was answered.
 *
 * @param stopReason why the model stopped, as Amazon Bedrock says it ({@code end_turn}, {@code max_tokens},
 *                   {@code stop_sequence}, …)
 */
public record CompletionResult(
        String modelId, String text, String stopReason, Usage usage, long latencyMs, Long timeToFirstTokenMs) {}
