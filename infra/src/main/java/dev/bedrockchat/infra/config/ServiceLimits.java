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

    private ServiceLimits() {
    }

    /** The longest {@code function.modelTimeoutSeconds} may be when answers are streamed through CloudFront. */
    public static int maxStreamingModelTimeoutSeconds() {
        return CLOUDFRONT_ORIGIN_READ_TIMEOUT_SECONDS - MODEL_TIMEOUT_MARGIN_SECONDS;
    }
}
