package dev.bedrockchat.function.chat;

import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * What is measured of one chat request.
 *
 * @param requestId          the request's id
 * @param api                which API it came through: {@code chat} (the page's) or {@code openai} ({@code /v1})
 * @param modelId            the model it asked for, or {@link #NO_MODEL} when it was refused before a model was
 *                           chosen (an invalid request, a model not allowed)
 * @param errorCode          the error it ended with ({@link ErrorCode#code()}); empty when it was answered
 * @param usage              what the model counted (or, for an answer cut short, the estimate); empty when the model
 *                           was not called or counted nothing
 * @param timeToFirstTokenMs until the first piece of a streamed answer; empty otherwise
 * @param latencyMs          the whole request, as the chat service saw it
 * @param costUsd            the estimated cost; empty when the model has no price or nothing was counted
 * @param quotaRejected      refused with QuotaExceeded
 * @param usageStoreFailed   the usage store could not be read or written for it (the chat went on)
 */
public record RequestMeasurement(
        String requestId,
        String api,
        String modelId,
        Optional<String> errorCode,
        Optional<Usage> usage,
        Optional<Long> timeToFirstTokenMs,
        long latencyMs,
        Optional<BigDecimal> costUsd,
        boolean quotaRejected,
        boolean usageStoreFailed) {
    /** The model of a request refused before one was chosen (never a client's text: no unbounded dimension). */
    public static final String NO_MODEL = "none";

    public RequestMeasurement {
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(api, "api");
        Objects.requireNonNull(modelId, "modelId");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(timeToFirstTokenMs, "timeToFirstTokenMs");
        Objects.requireNonNull(costUsd, "costUsd");
    }
}
