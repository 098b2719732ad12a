package dev.bedrockchat.function.chat;

/**
 * Why a model call failed, in the terms of what an operator does about it: the machine-readable {@code reason} of an
 * error envelope and of the Bedrock check. Several reasons share one {@link ErrorCode} (every credential and access
 * problem is {@code ModelAccessDenied}, say); the reason tells them apart.
 */
public enum ErrorReason {
    /** No AWS credentials could be found (no role, profile or keys). */
    NO_CREDENTIALS("no_credentials"),
    /** The credentials' session has expired. */
    EXPIRED_CREDENTIALS("expired_credentials"),
    /** The access key is unknown or its signature does not match (a wrong secret, a missing session token). */
    INVALID_CREDENTIALS("invalid_credentials"),
    /** The request's signature has expired: the machine's clock is off. */
    CLOCK_SKEW("clock_skew"),
    /** The caller's role is not allowed the Bedrock action on the model. */
    ROLE_NOT_ALLOWED("role_not_allowed"),
    /** An explicit deny (a budget guard, a service control policy, …) blocks the Bedrock action. */
    EXPLICIT_DENY("explicit_deny"),
    /** The account has not been granted access to the model. */
    MODEL_ACCESS_NOT_GRANTED("model_access_not_granted"),
    /** The model's AWS Marketplace subscription is not complete. */
    MODEL_NOT_SUBSCRIBED("model_not_subscribed"),
    /** Anthropic's one-time use-case form has not been submitted for the account. */
    USE_CASE_FORM_REQUIRED("use_case_form_required"),
    /** Another refusal of access. */
    ACCESS_DENIED("access_denied"),
    /** The model is not offered in the region, or the id is wrong. */
    MODEL_NOT_FOUND("model_not_found"),
    /** Bedrock does not recognise the model id. */
    MODEL_ID_INVALID("model_id_invalid"),
    /** The model cannot be called on demand by its plain id: it needs an inference-profile id. */
    INFERENCE_PROFILE_REQUIRED("inference_profile_required"),
    /** Bedrock rejected the request for another reason (settings outside the model's limits, say). */
    REQUEST_REJECTED("request_rejected"),
    /** Bedrock throttled the request. */
    THROTTLED("throttled"),
    /** The account's quota for the model is used up. */
    QUOTA_EXCEEDED("quota_exceeded"),
    /** Bedrock's endpoint could not be reached (connection refused, unknown host, network timeout, TLS failure). */
    ENDPOINT_UNREACHABLE("endpoint_unreachable"),
    /** The connection to Bedrock broke after the request was sent (closed, reset, a protocol error). */
    CONNECTION_BROKEN("connection_broken"),
    /** This instance already has as many model calls in flight as it may (BEDROCK_MAX_CONCURRENCY). */
    CONCURRENCY_LIMIT("concurrency_limit"),
    /** No answer in time. */
    TIMEOUT("timeout"),
    /** The model failed to produce an answer. */
    MODEL_FAILED("model_failed"),
    /** The model or the service is not available right now. */
    SERVICE_UNAVAILABLE("service_unavailable"),
    /** Anything else: an unreadable reply, an unknown failure. */
    UNEXPECTED("unexpected");

    private final String wireName;

    ErrorReason(String wireName) {
        this.wireName = wireName;
    }

    /** The value of {@code reason} in the API. */
    public String wireName() {
        return wireName;
    }
}
