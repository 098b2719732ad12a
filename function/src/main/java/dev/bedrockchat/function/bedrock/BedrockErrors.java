package dev.bedrockchat.function.bedrock;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ErrorCode;
import java.util.OptionalInt;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.bedrockruntime.model.AccessDeniedException;
import software.amazon.awssdk.services.bedrockruntime.model.InternalServerException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelNotReadyException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelStreamErrorException;
import software.amazon.awssdk.services.bedrockruntime.model.ModelTimeoutException;
import software.amazon.awssdk.services.bedrockruntime.model.ResourceNotFoundException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceQuotaExceededException;
import software.amazon.awssdk.services.bedrockruntime.model.ServiceUnavailableException;
import software.amazon.awssdk.services.bedrockruntime.model.ThrottlingException;
import software.amazon.awssdk.services.bedrockruntime.model.ValidationException;

/**
 * Turns what the Bedrock Runtime SDK throws into the API's errors, with a message that says what to check. The SDK's
 * own retries (throttling, 5xx) have already run when an exception gets here.
 */
final class BedrockErrors {
    /** Wait suggested to a throttled client when Bedrock gives no Retry-After. */
    static final int DEFAULT_RETRY_AFTER_SECONDS = 5;

    private BedrockErrors() {}

    static ChatException translate(Throwable thrown, String modelId, String region) {
        Throwable e = unwrap(thrown);
        return switch (e) {
            case ChatException chat -> chat;
            case ThrottlingException t ->
                throttled(
                        t,
                        "Amazon Bedrock is throttling requests to " + modelId
                                + "; wait a few seconds and try again (or ask for a higher quota)");
            case ServiceQuotaExceededException q ->
                throttled(
                        q,
                        "The Amazon Bedrock quota for " + modelId
                                + " is used up; wait and try again, or ask for a higher quota in Service Quotas");
            case AccessDeniedException a ->
                new ChatException(
                        ErrorCode.MODEL_ACCESS_DENIED,
                        "Amazon Bedrock refused access to " + modelId + ": enable model access in the Bedrock console "
                                + "for " + modelId + " in " + region + ", and check that the function's role may call "
                                + "bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on it",
                        OptionalInt.empty(),
                        a);
            case ResourceNotFoundException r ->
                new ChatException(
                        ErrorCode.MODEL_NOT_FOUND,
                        "Amazon Bedrock does not know the model " + modelId + " in " + region + ": check the model id "
                                + "or its us./eu. inference-profile prefix and the region",
                        OptionalInt.empty(),
                        r);
            case ValidationException v ->
                new ChatException(
                        ErrorCode.MODEL_ERROR,
                        "Amazon Bedrock rejected the request to " + modelId + ": check that the model supports the "
                                + "Converse API and on-demand use (some need an inference-profile id such as us."
                                + modelId + "), and that MAX_TOKENS and TEMPERATURE are within its limits",
                        OptionalInt.empty(),
                        v);
            case ModelTimeoutException t -> timeout(modelId, t);
            case ModelErrorException m -> modelError(modelId, m);
            case InternalServerException i -> modelError(modelId, i);
            case ModelStreamErrorException s ->
                new ChatException(
                        ErrorCode.MODEL_ERROR,
                        "The model " + modelId + " failed while streaming its answer; try again",
                        OptionalInt.empty(),
                        s);
            case ServiceUnavailableException u -> unavailable(modelId, u);
            case ModelNotReadyException n -> unavailable(modelId, n);
            case AwsServiceException other -> byStatus(other, modelId, region);
            case ApiCallTimeoutException t -> timeout(modelId, t);
            case ApiCallAttemptTimeoutException t -> timeout(modelId, t);
            case TimeoutException t -> timeout(modelId, t);
            case SdkClientException c when isTimeout(c) -> timeout(modelId, c);
            case SdkClientException c
            when String.valueOf(c.getMessage()).contains("credentials") ->
                new ChatException(
                        ErrorCode.INTERNAL_ERROR,
                        "The function has no usable AWS credentials for "
                                + "Amazon Bedrock: check its role (or the local AWS profile), or set CHAT_MODE=offline",
                        OptionalInt.empty(),
                        c);
            case SdkClientException c ->
                new ChatException(
                        ErrorCode.INTERNAL_ERROR,
                        "Amazon Bedrock could not be " + "reached in " + region
                                + ": check the network and the endpoint, then try again",
                        OptionalInt.empty(),
                        c);
            default ->
                new ChatException(
                        ErrorCode.INTERNAL_ERROR,
                        "The model call failed unexpectedly; try again, and report the request id if it persists",
                        OptionalInt.empty(),
                        e);
        };
    }

    /**
     * An error type this version of the SDK does not model (Bedrock adds them): its HTTP status says what kind of
     * failure it is.
     */
    private static ChatException byStatus(AwsServiceException e, String modelId, String region) {
        int status = e.statusCode();
        return switch (status) {
            case 429 ->
                throttled(
                        e,
                        "Amazon Bedrock is throttling requests to " + modelId
                                + "; wait a few seconds and try again (or ask for a higher quota)");
            case 403 ->
                new ChatException(
                        ErrorCode.MODEL_ACCESS_DENIED,
                        "Amazon Bedrock refused access to "
                                + modelId + " in " + region + ": check the model access in the Bedrock console and the "
                                + "function's role",
                        OptionalInt.empty(),
                        e);
            case 404 ->
                new ChatException(
                        ErrorCode.MODEL_NOT_FOUND,
                        "Amazon Bedrock does not know the model " + modelId + " in " + region
                                + ": check the model id and the region",
                        OptionalInt.empty(),
                        e);
            case 408, 504 -> timeout(modelId, e);
            default -> {
                if (status >= 500 && status < 600) {
                    yield unavailable(modelId, e);
                }
                if (status >= 400 && status < 500) {
                    yield new ChatException(
                            ErrorCode.MODEL_ERROR,
                            "Amazon Bedrock rejected the request to " + modelId
                                    + "; try again, or choose another model",
                            OptionalInt.empty(),
                            e);
                }
                yield new ChatException(
                        ErrorCode.INTERNAL_ERROR,
                        "The model call failed unexpectedly; try again, and report the request id if it persists",
                        OptionalInt.empty(),
                        e);
            }
        };
    }

    private static ChatException throttled(AwsServiceException e, String message) {
        int retryAfter = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
                ? DEFAULT_RETRY_AFTER_SECONDS
                : e.awsErrorDetails()
                        .sdkHttpResponse()
                        .firstMatchingHeader("Retry-After")
                        .flatMap(BedrockErrors::seconds)
                        .orElse(DEFAULT_RETRY_AFTER_SECONDS);
        return new ChatException(ErrorCode.THROTTLED, message, OptionalInt.of(retryAfter), e);
    }

    private static java.util.Optional<Integer> seconds(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            return seconds > 0 && seconds <= 3600 ? java.util.Optional.of(seconds) : java.util.Optional.empty();
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static ChatException modelError(String modelId, Throwable cause) {
        return new ChatException(
                ErrorCode.MODEL_ERROR,
                "The model " + modelId + " could not produce an answer; " + "try again, or choose another model",
                OptionalInt.empty(),
                cause);
    }

    private static ChatException unavailable(String modelId, Throwable cause) {
        return new ChatException(
                ErrorCode.MODEL_UNAVAILABLE,
                "The model " + modelId + " is not available right " + "now; try again in a minute",
                OptionalInt.empty(),
                cause);
    }

    private static ChatException timeout(String modelId, Throwable cause) {
        return new ChatException(
                ErrorCode.MODEL_TIMEOUT,
                "The model " + modelId + " did not answer in time "
                        + "(MODEL_TIMEOUT_SECONDS); try again, or ask a shorter question",
                OptionalInt.empty(),
                cause);
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static Throwable unwrap(Throwable thrown) {
        Throwable e = thrown;
        while ((e instanceof CompletionException
                        || e instanceof ExecutionException
                        || (e instanceof SdkClientException
                                && !(e instanceof ApiCallTimeoutException)
                                && !(e instanceof ApiCallAttemptTimeoutException)
                                && e.getCause() instanceof AwsServiceException))
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
