package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Tokens counted by the model for one exchange.
 *
 * @param inputTokens      input tokens not read from or written to the prompt cache
 * @param outputTokens     output tokens
 * @param cacheReadTokens  input tokens read from the prompt cache; null when the model reports none
 * @param cacheWriteTokens input tokens written to the prompt cache; null when the model reports none
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Usage(int inputTokens, int outputTokens, Integer cacheReadTokens, Integer cacheWriteTokens) {
    public static final Usage NONE = new Usage(0, 0);

    /** Usage without prompt-cache tokens. */
    public Usage(int inputTokens, int outputTokens) {
        this(inputTokens, outputTokens, null, null);
    }

    /** Whether the model counted nothing at all. */
    public boolean nothingCounted() {
        return inputTokens == 0
                && outputTokens == 0
                && (cacheReadTokens == null || cacheReadTokens == 0)
                && (cacheWriteTokens == null || cacheWriteTokens == 0);
    }

    /**
     * An estimate for an answer the model did not count (a stream that stopped or broke before the model's usage
     * arrived): about four characters per token of the text sent and of the text received, at least one token each
     * when there was any text.
     */
    public static Usage estimate(long inputChars, long outputChars) {
        return new Usage(tokensOf(inputChars), tokensOf(outputChars));
    }

    private static int tokensOf(long chars) {
        return chars <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4);
    }
}
