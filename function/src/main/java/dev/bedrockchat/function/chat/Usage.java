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

    /**
     * What an answer used: what the model counted; for an answer the model did not count (cut short by the client,
     * the deadline or a failure mid-stream, or a model that reports nothing), an {@link #estimate} from the text sent
     * and the text streamed; null when nothing was answered.
     *
     * @param reply    the model's reply; null when the answer stopped before it
     * @param streamed the text streamed until then
     */
    static Usage ofAnswer(ModelRequest request, ModelReply reply, CharSequence streamed) {
        if (countedBy(reply)) {
            return reply.usage();
        }
        CharSequence text = reply != null ? reply.text() : streamed;
        if (text.isEmpty()) {
            return null;
        }
        long inputChars = request.systemPrompt().length();
        for (ChatMessage message : request.messages()) {
            inputChars += message.content().length();
        }
        return estimate(inputChars, text.length());
    }

    /** Whether the model counted its answer ({@link #ofAnswer} then takes its count, not an estimate). */
    static boolean countedBy(ModelReply reply) {
        return reply != null && reply.usage() != null && !reply.usage().nothingCounted();
    }

    private static int tokensOf(long chars) {
        return chars <= 0 ? 0 : (int) Math.min(Integer.MAX_VALUE, (chars + 3) / 4);
    }
}
