package dev.bedrockchat.infra.config;

/**
 * Limits of the AWS services in front of the function that the configuration must respect: the constructs that
 * set these values and the validation of cdk.json read them from here.
 */
public final class ServiceLimits {
    /**
     * CloudFront's origin read timeout for the API: the longest it waits for the first byte and between two chunks
     * of a streamed answer. 60 seconds is the most CloudFront allows without a quota increase.
     */
    public static final int CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS = 60;
    /** The longest a buffered (non-streaming) API Gateway integration may take without a quota increase. */
    public static final int API_GATEWAY_BUFFERED_TIMEOUT_SECONDS = 29;
    /**
     * The time the function keeps, after it gives up on the model, to send the API's ModelTimeout error before
     * CloudFront gives up on a silent stream.
     */
    public static final int MODEL_TIMEOUT_MARGIN_SECONDS = 10;

    /**
     * The time the function keeps, at the end of its invocation, to save a cut-off answer and send the error that
     * ends it, before Lambda (or the buffered integration) ends the request.
     */
    public static final int ANSWER_DEADLINE_MARGIN_SECONDS = 5;

    private ServiceLimits() {}

    /**
     * How long API Gateway waits for the function (the integration timeout): the function's timeout when streamed,
     * at most API Gateway's buffered limit otherwise.
     */
    public static int requestLimitSeconds(boolean streaming, int functionTimeoutSeconds) {
        return streaming
                ? functionTimeoutSeconds
                : Math.min(functionTimeoutSeconds, API_GATEWAY_BUFFERED_TIMEOUT_SECONDS);
    }

    /**
     * The longest a whole answer may take ({@code ANSWER_TIMEOUT_SECONDS} of the function): the
     * {@linkplain #requestLimitSeconds request limit} less the margin to save the answer and say why it ended.
     */
    public static int answerTimeoutSeconds(boolean streaming, int functionTimeoutSeconds) {
        return Math.max(1, requestLimitSeconds(streaming, functionTimeoutSeconds) - ANSWER_DEADLINE_MARGIN_SECONDS);
    }

    /** The longest {@code function.modelTimeoutSeconds} may be when answers are streamed through CloudFront. */
    public static int maxStreamingModelTimeoutSeconds() {
        return CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS - MODEL_TIMEOUT_MARGIN_SECONDS;
    }
}
