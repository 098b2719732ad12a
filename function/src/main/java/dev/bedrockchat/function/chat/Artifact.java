package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.math.BigDecimal;

/**
 * The record of one exchange, kept whole: what was asked, what was answered, and how it went. When the turn could not
 * be stored in its conversation, this record is where it is kept ({@code stored} false, {@code storeError} why).
 *
 * @param api           the programming interface the exchange came through: {@code openai} for the OpenAI-compatible
 *                      {@code /v1} (stateless: no conversation, {@code conversationId} null); null for the chat API
 * @param usage         what the model counted; for an answer it did not count (cut short), an estimate
 * @param costUsd       the estimated cost of {@code usage} in US dollars; null when the model has no price
 * @param usageEstimated whether {@code usage} is an estimate; null without usage
 * @param partialReason why the answer kept in the conversation is not complete ({@link PartialReason#wireName()});
 *                      null for a complete one
 * @param stored        whether the turn is kept in the conversation
 * @param storeError    why it is not, when it was answered: the failure's code or class; null otherwise
 * @param error         null when the exchange succeeded
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record Artifact(
        String requestId,
        String time,
        String environment,
        String mode,
        String api,
        String conversationId,
        Principal principal,
        String model,
        boolean streamed,
        String message,
        String reply,
        String stopReason,
        Usage usage,
        BigDecimal costUsd,
        Boolean usageEstimated,
        long latencyMs,
        Long timeToFirstTokenMs,
        String partialReason,
        boolean stored,
        String storeError,
        Error error) {

    /** The value of {@code api} for an exchange of the OpenAI-compatible API. */
    public static final String OPENAI_API = "openai";

    /**
     * The record of a chat API exchange ({@code api} null) without cost (a model without a price) and with the
     * model's own count of its usage.
     */
    public Artifact(
            String requestId,
            String time,
            String environment,
            String mode,
            String conversationId,
            Principal principal,
            String model,
            boolean streamed,
            String message,
            String reply,
            String stopReason,
            Usage usage,
            long latencyMs,
            Long timeToFirstTokenMs,
            String partialReason,
            boolean stored,
            String storeError,
            Error error) {
        this(
                requestId,
                time,
                environment,
                mode,
                null,
                conversationId,
                principal,
                model,
                streamed,
                message,
                reply,
                stopReason,
                usage,
                null,
                usage == null ? null : false,
                latencyMs,
                timeToFirstTokenMs,
                partialReason,
                stored,
                storeError,
                error);
    }

    /**
     * What went wrong, in the words the client was given.
     *
     * @param reason why the model call failed ({@link ErrorReason#wireName()}); null for other errors
     */
    public record Error(String code, String message, String reason) {
        public Error(String code, String message) {
            this(code, message, null);
        }
    }
}
