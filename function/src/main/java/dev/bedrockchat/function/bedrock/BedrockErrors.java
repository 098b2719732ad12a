package dev.bedrockchat.function.bedrock;

import dev.bedrockchat.function.aws.ServiceErrors;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ErrorReason;
import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
 * Turns what the Bedrock Runtime SDK throws into the API's errors: the error code follows the kind of failure (its
 * type, or for a type this SDK does not model, its HTTP status), and the {@linkplain ErrorReason reason} with its
 * advice follows what AWS said (its error code and message), so that for instance expired credentials, a role without
 * the permission and a model the account has not subscribed to, all {@code ModelAccessDenied}, are told apart. Every
 * error carries the AWS diagnostics for the log line. The SDK's own retries (throttling, 5xx) have already run when
 * an exception gets here.
 */
final class BedrockErrors {
    /** Wait suggested to a throttled client when Bedrock gives no Retry-After. */
    static final int DEFAULT_RETRY_AFTER_SECONDS = 5;

    private static final Pattern ASSUMED_ROLE = Pattern.compile("assumed-role/([\\w+=,.@-]+)/");

    /**
     * The name of the budget guard's deny policy: the function's role is {@code Chat-<Env>-Function} and the guard's
     * policy {@code Chat-<Env>-BudgetGuard}, so it is read from the role AWS names in the message, else given as the
     * pattern.
     */
    static String budgetGuardPolicy(String message) {
        Matcher role = ASSUMED_ROLE.matcher(message);
        if (role.find() && role.group(1).endsWith("-Function")) {
            String name = role.group(1);
            return name.substring(0, name.length() - "-Function".length()) + "-BudgetGuard";
        }
        return "Chat-<Env>-BudgetGuard";
    }

    private static final Set<String> EXPIRED_CODES = Set.of("ExpiredTokenException", "ExpiredToken");
    private static final Set<String> INVALID_CREDENTIAL_CODES = Set.of(
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "IncompleteSignature");
    private static final Pattern BEDROCK_ACTION =
            Pattern.compile("is not authorized to perform: (bedrock:[A-Za-z]+)", Pattern.CASE_INSENSITIVE);

    private BedrockErrors() {}

    /** The Bedrock client could not be built (at start, in the background): no call can be made before a restart. */
    static ChatException clientNotBuilt(IllegalStateException e) {
        return new Failure(
                        ErrorCode.INTERNAL_ERROR,
                        ErrorReason.UNEXPECTED,
                        "The function could not set up its Amazon Bedrock client, so it cannot call the model until it"
                                + " is restarted; its log line bedrock_client_failed says why")
                .toException(e);
    }

    static ChatException translate(Throwable thrown, String modelId, String region) {
        return translate(thrown, modelId, region, false);
    }

    /**
     * @param midAnswer whether the model had begun answering (a stream had opened) when the call failed
     */
    static ChatException translate(Throwable thrown, String modelId, String region, boolean midAnswer) {
        Throwable e = unwrap(thrown);
        if (e instanceof ChatException chat) {
            return chat;
        }
        var advice = new Advice(modelId, region);
        if (e instanceof AwsServiceException service) {
            Failure byKind = byType(service, advice);
            return advised(service, advice)
                    .map(told -> new Failure(byKind.code(), told.reason(), told.message(), byKind.retryAfter()))
                    .orElse(byKind)
                    .toException(service);
        }
        if (isTimeout(e)) {
            return (midAnswer ? advice.stalled() : advice.timeout()).toException(e);
        }
        if (lacksCredentials(e)) {
            return new Failure(
                            ErrorCode.INTERNAL_ERROR,
                            ErrorReason.NO_CREDENTIALS,
                            "The function found no AWS credentials for Amazon Bedrock: check its role (or the local AWS "
                                    + "profile or keys), or set CHAT_MODE=offline")
                    .toException(e);
        }
        Failure failure = switch (Transport.of(e, midAnswer)) {
            case UNREACHABLE -> advice.unreachable(ServiceErrors.httpClientError(e));
            case BUSY -> advice.busy();
            case BROKEN -> advice.broken(midAnswer);
            case NO_FIRST_BYTE -> advice.timeout();
            case NONE ->
                e instanceof SdkClientException
                        ? new Failure(
                                ErrorCode.INTERNAL_ERROR,
                                ErrorReason.UNEXPECTED,
                                "The reply of Amazon Bedrock for " + modelId + " could not be read; try again, and "
                                        + "report the request id if it persists")
                        : advice.unexpected();
        };
        return failure.toException(e);
    }

    /**
     * What went wrong on the way to Bedrock, as the HTTP client (the AWS CRT) or the JDK tells it: the CRT's error
     * name decides, else the kind of I/O failure in the chain.
     */
    enum Transport {
        /** The endpoint could not be reached: no connection was made (refused, no route, DNS, TLS, connect timeout). */
        UNREACHABLE,
        /** No connection of the pool became free in time. */
        BUSY,
        /** A connection was made and then broke (closed, reset, a protocol error). */
        BROKEN,
        /** The request was sent and no byte of the response came in time. */
        NO_FIRST_BYTE,
        /** Not a transport failure. */
        NONE;

        private static final Set<String> NO_CONNECTION = Set.of(
                "AWS_IO_SOCKET_CONNECTION_REFUSED",
                "AWS_IO_SOCKET_TIMEOUT",
                "AWS_IO_SOCKET_NO_ROUTE_TO_HOST",
                "AWS_IO_SOCKET_NETWORK_DOWN",
                "AWS_IO_SOCKET_INVALID_ADDRESS",
                "AWS_IO_SOCKET_UNSUPPORTED_ADDRESS_FAMILY",
                "AWS_IO_DNS_QUERY_FAILED",
                "AWS_IO_DNS_INVALID_NAME",
                "AWS_IO_DNS_NO_ADDRESS_FOR_HOST",
                "AWS_IO_DNS_HOST_REMOVED_FROM_CACHE",
                "AWS_IO_DNS_QUERY_AGAIN",
                "AWS_ERROR_HTTP_PROXY_CONNECT_FAILED",
                "AWS_ERROR_HTTP_PROXY_CONNECT_FAILED_RETRYABLE",
                "AWS_ERROR_HTTP_STREAM_MANAGER_CONNECTION_ACQUIRE_FAILURE");
        /** The TLS failures of a handshake; those of an established connection (read, write, close) are BROKEN. */
        private static final Set<String> TLS_ESTABLISHED = Set.of(
                "AWS_IO_TLS_ERROR_READ_FAILURE",
                "AWS_IO_TLS_ERROR_WRITE_FAILURE",
                "AWS_IO_TLS_CLOSED_GRACEFUL",
                "AWS_IO_TLS_CLOSED_ABORT",
                "AWS_IO_TLS_ALERT_NOT_GRACEFUL");

        private static final Set<String> POOL_EXHAUSTED = Set.of(
                "AWS_ERROR_HTTP_CONNECTION_MANAGER_ACQUISITION_TIMEOUT",
                "AWS_ERROR_HTTP_CONNECTION_MANAGER_MAX_PENDING_ACQUISITIONS_EXCEEDED",
                "AWS_ERROR_HTTP_MAX_CONCURRENT_STREAMS_EXCEEDED");
        private static final Set<String> CONNECTION_BROKE = Set.of(
                "AWS_IO_SOCKET_CLOSED",
                "AWS_IO_SOCKET_NOT_CONNECTED",
                "AWS_IO_BROKEN_PIPE",
                "AWS_ERROR_HTTP_CONNECTION_CLOSED",
                "AWS_ERROR_HTTP_SERVER_CLOSED",
                "AWS_ERROR_HTTP_PROTOCOL_ERROR",
                "AWS_ERROR_HTTP_GOAWAY_RECEIVED",
                "AWS_ERROR_HTTP_RST_STREAM_RECEIVED");
        private static final Set<String> SILENT =
                Set.of("AWS_ERROR_HTTP_RESPONSE_FIRST_BYTE_TIMEOUT", "AWS_ERROR_HTTP_CHANNEL_THROUGHPUT_FAILURE");

        static Transport of(Throwable e, boolean midAnswer) {
            Optional<String> name = ServiceErrors.httpClientError(e);
            if (name.isPresent()) {
                return byName(name.get(), midAnswer);
            }
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof ConnectException
                        || t instanceof UnknownHostException
                        || t instanceof NoRouteToHostException) {
                    return UNREACHABLE;
                }
            }
            // A plain I/O failure of the connection (not one reading the reply's content, such as a JSON parser's).
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t.getClass() == IOException.class || t instanceof EOFException || t instanceof SocketException) {
                    return BROKEN;
                }
            }
            return NONE;
        }

        /** By the CRT's error name; a name not known here is a broken connection mid-answer, else no connection. */
        static Transport byName(String name, boolean midAnswer) {
            if (POOL_EXHAUSTED.contains(name)) {
                return BUSY;
            }
            if (SILENT.contains(name)) {
                return NO_FIRST_BYTE;
            }
            if (CONNECTION_BROKE.contains(name) || TLS_ESTABLISHED.contains(name)) {
                return BROKEN;
            }
            if (NO_CONNECTION.contains(name) || name.startsWith("AWS_IO_TLS_")) {
                return UNREACHABLE;
            }
            return midAnswer ? BROKEN : UNREACHABLE;
        }
    }

    /** The error by the exception's type: its code, with a reason and advice that hold for the type as a whole. */
    private static Failure byType(AwsServiceException e, Advice advice) {
        return switch (e) {
            case ThrottlingException t ->
                advice.throttled(
                        t,
                        ErrorReason.THROTTLED,
                        "Amazon Bedrock is throttling requests to " + advice.model
                                + "; wait a few seconds and try again (or ask for a higher quota)");
            case ServiceQuotaExceededException q ->
                advice.throttled(
                        q,
                        ErrorReason.QUOTA_EXCEEDED,
                        "The Amazon Bedrock quota for " + advice.model
                                + " is used up; wait and try again, or ask for a higher quota in Service Quotas");
            case AccessDeniedException a -> advice.accessDenied();
            case ResourceNotFoundException r ->
                new Failure(
                        ErrorCode.MODEL_NOT_FOUND,
                        ErrorReason.MODEL_NOT_FOUND,
                        "Amazon Bedrock does not know the model " + advice.model + " in " + advice.region
                                + ": check the model id or its us./eu. inference-profile prefix and the region");
            case ValidationException v ->
                new Failure(
                        ErrorCode.MODEL_ERROR,
                        ErrorReason.REQUEST_REJECTED,
                        "Amazon Bedrock rejected the request to " + advice.model + ": check that the model supports "
                                + "the Converse API and on-demand use (some need " + advice.profileExample()
                                + "), and that MAX_TOKENS and TEMPERATURE are within its limits");
            case ModelTimeoutException t -> advice.timeout();
            case ModelErrorException m -> advice.modelFailed();
            case InternalServerException i -> advice.modelFailed();
            case ModelStreamErrorException s ->
                new Failure(
                        ErrorCode.MODEL_ERROR,
                        ErrorReason.MODEL_FAILED,
                        "The model " + advice.model + " failed while streaming its answer; try again");
            case ServiceUnavailableException u -> advice.unavailable();
            case ModelNotReadyException n -> advice.unavailable();
            default -> byStatus(e, advice);
        };
    }

    /**
     * An error type this version of the SDK does not model (Bedrock adds them, and credential errors come from the
     * request's authentication): its HTTP status says what kind of failure it is.
     */
    private static Failure byStatus(AwsServiceException e, Advice advice) {
        int status = e.statusCode();
        return switch (status) {
            case 429 ->
                advice.throttled(
                        e,
                        ErrorReason.THROTTLED,
                        "Amazon Bedrock is throttling requests to " + advice.model
                                + "; wait a few seconds and try again (or ask for a higher quota)");
            case 403 ->
                new Failure(
                        ErrorCode.MODEL_ACCESS_DENIED,
                        ErrorReason.ACCESS_DENIED,
                        "Amazon Bedrock refused access to " + advice.model + " in " + advice.region
                                + ": check the model access in the Bedrock console and the function's role");
            case 404 ->
                new Failure(
                        ErrorCode.MODEL_NOT_FOUND,
                        ErrorReason.MODEL_NOT_FOUND,
                        "Amazon Bedrock does not know the model " + advice.model + " in " + advice.region
                                + ": check the model id and the region");
            case 408, 504 -> advice.timeout();
            default -> {
                if (status >= 500 && status < 600) {
                    yield advice.unavailable();
                }
                if (status >= 400 && status < 500) {
                    yield new Failure(
                            ErrorCode.MODEL_ERROR,
                            ErrorReason.REQUEST_REJECTED,
                            "Amazon Bedrock rejected the request to " + advice.model
                                    + "; try again, or choose another model");
                }
                yield advice.unexpected();
            }
        };
    }

    /**
     * The reason and advice that AWS's error code and message reveal, whatever the exception's type: the causes an
     * operator must tell apart to fix them.
     */
    private static Optional<Advised> advised(AwsServiceException e, Advice advice) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String text = e.awsErrorDetails() == null || e.awsErrorDetails().errorMessage() == null
                ? String.valueOf(e.getMessage())
                : e.awsErrorDetails().errorMessage();
        // Bedrock writes some messages with a typographic apostrophe (isn’t), others with a straight one.
        String message = text.replace('’', '\'');
        String lower = message.toLowerCase(Locale.ROOT);
        if (EXPIRED_CODES.contains(code) || lower.contains("security token included in the request is expired")) {
            return advised(
                    ErrorReason.EXPIRED_CREDENTIALS,
                    "The function's AWS credentials have expired: sign in again for a local run (for example aws sso "
                            + "login, or fresh keys); in Lambda the role's credentials renew themselves, so try again");
        }
        if (("InvalidSignatureException".equals(code) || "SignatureDoesNotMatch".equals(code))
                && message.startsWith("Signature expired:")) {
            return advised(
                    ErrorReason.CLOCK_SKEW,
                    "Amazon Bedrock refused the request's signature as expired: this machine's clock is off by more "
                            + "than five minutes; set it right (NTP) and try again");
        }
        if (INVALID_CREDENTIAL_CODES.contains(code)
                || lower.contains("security token included in the request is invalid")) {
            return advised(
                    ErrorReason.INVALID_CREDENTIALS,
                    "Amazon Bedrock did not accept the function's AWS credentials (an unknown access key, a wrong "
                            + "secret, or a missing session token): check the local AWS profile or keys, or in Lambda "
                            + "the function's role");
        }
        if ("FTUFormNotFilled".equals(code) || lower.contains("use case details have not been submitted")) {
            return advised(
                    ErrorReason.USE_CASE_FORM_REQUIRED,
                    "Anthropic's one-time use-case form has not been submitted for this account: an operator submits "
                            + "it once in the Bedrock console (" + advice.region + ") and then invokes " + advice.model
                            + " once with administrator credentials there; the function's role cannot do either");
        }
        if (lower.contains("aws-marketplace:") || lower.contains("subscription")) {
            return advised(
                    ErrorReason.MODEL_NOT_SUBSCRIBED,
                    "The AWS Marketplace subscription for " + advice.model + " is not complete in this account: an "
                            + "operator invokes the model once with administrator credentials in " + advice.region
                            + ", which completes it (the function's role deliberately has no aws-marketplace "
                            + "permissions); for an Anthropic model, also submit the use-case form in the Bedrock "
                            + "console");
        }
        if (lower.contains("don't have access to the model")) {
            return advised(
                    ErrorReason.MODEL_ACCESS_NOT_GRANTED,
                    "This account has no access to " + advice.model + " in " + advice.region + " yet: an operator "
                            + "invokes the model once with administrator credentials in " + advice.region + " (which "
                            + "completes its AWS Marketplace subscription; the function's role deliberately has no "
                            + "aws-marketplace permissions) and, for an Anthropic model, submits the use-case form "
                            + "in the Bedrock console");
        }
        Matcher action = BEDROCK_ACTION.matcher(message);
        if (action.find()) {
            if (lower.contains("explicit deny")) {
                return advised(
                        ErrorReason.EXPLICIT_DENY,
                        "An explicit deny blocks " + action.group(1) + " on " + advice.model + " for the function's "
                                + "role. Most likely the month's budget is spent and the budget guard has attached "
                                + "its deny policy " + budgetGuardPolicy(message) + " to the role: an operator lifts "
                                + "it for the rest of the month by reversing the budget action or detaching the "
                                + "policy (README, \"Cost under control: prices, quotas and the budget guard\"). "
                                + "Otherwise a service control policy or another deny blocks it: ask the account's "
                                + "administrator");
            }
            return advised(
                    ErrorReason.ROLE_NOT_ALLOWED,
                    "The function's role is not allowed " + action.group(1) + " on " + advice.model + " in "
                            + advice.region + ": the deployment grants exactly the models of models.allowed (and, "
                            + "for an inference profile, the regions it routes to); deploy again after changing them, "
                            + "and check the policy of the VPC endpoint");
        }
        if (lower.contains("on-demand throughput isn't supported")) {
            return advised(
                    ErrorReason.INFERENCE_PROFILE_REQUIRED,
                    advice.model + " cannot be called on demand by its plain id in " + advice.region + ": use "
                            + advice.profileExample() + " in the allowed models");
        }
        if (lower.contains("provided model identifier is invalid")) {
            return advised(
                    ErrorReason.MODEL_ID_INVALID,
                    "Amazon Bedrock does not recognise the model id " + advice.model + " in " + advice.region
                            + ": check the id (and its inference-profile prefix) in the allowed models");
        }
        return Optional.empty();
    }

    private static Optional<Advised> advised(ErrorReason reason, String message) {
        return Optional.of(new Advised(reason, message));
    }

    private static boolean isTimeout(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException
                    || t instanceof SocketTimeoutException
                    || t instanceof ApiCallTimeoutException
                    || t instanceof ApiCallAttemptTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** The SDK could not resolve credentials ("Unable to load credentials from …", a profile without keys, …). */
    private static boolean lacksCredentials(Throwable e) {
        return e instanceof SdkClientException
                && String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("credentials");
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

    private static Optional<Integer> seconds(String value) {
        try {
            int seconds = Integer.parseInt(value.trim());
            return seconds > 0 && seconds <= 3600 ? Optional.of(seconds) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What AWS's message revealed. */
    private record Advised(ErrorReason reason, String message) {}

    /** An error before it becomes an exception. */
    private record Failure(ErrorCode code, ErrorReason reason, String message, OptionalInt retryAfter) {
        Failure(ErrorCode code, ErrorReason reason, String message) {
            this(code, reason, message, OptionalInt.empty());
        }

        ChatException toException(Throwable cause) {
            return new ChatException(
                    code, message, Optional.of(reason), retryAfter, cause, ServiceErrors.diagnostics(cause));
        }
    }

    /** The advice common to several failures of one model call. */
    private record Advice(String model, String region) {
        private static final Pattern PROFILE = Pattern.compile("(us|eu|apac|global|us-gov|jp|au|ca)\\..+");

        /** An inference-profile id to use instead of the model's (for one that is already one, another). */
        String profileExample() {
            return PROFILE.matcher(model).matches()
                    ? "another inference-profile id"
                    : "an inference-profile id such as us." + model;
        }

        Failure throttled(AwsServiceException e, ErrorReason reason, String message) {
            int retryAfter = e.awsErrorDetails() == null || e.awsErrorDetails().sdkHttpResponse() == null
                    ? DEFAULT_RETRY_AFTER_SECONDS
                    : e.awsErrorDetails()
                            .sdkHttpResponse()
                            .firstMatchingHeader("Retry-After")
                            .flatMap(BedrockErrors::seconds)
                            .orElse(DEFAULT_RETRY_AFTER_SECONDS);
            return new Failure(ErrorCode.THROTTLED, reason, message, OptionalInt.of(retryAfter));
        }

        Failure accessDenied() {
            return new Failure(
                    ErrorCode.MODEL_ACCESS_DENIED,
                    ErrorReason.ACCESS_DENIED,
                    "Amazon Bedrock refused access to " + model + ": enable model access in the Bedrock console for "
                            + model + " in " + region + ", and check that the function's role may call "
                            + "bedrock:InvokeModel and bedrock:InvokeModelWithResponseStream on it");
        }

        Failure modelFailed() {
            return new Failure(
                    ErrorCode.MODEL_ERROR,
                    ErrorReason.MODEL_FAILED,
                    "The model " + model + " could not produce an answer; try again, or choose another model");
        }

        Failure unavailable() {
            return new Failure(
                    ErrorCode.MODEL_UNAVAILABLE,
                    ErrorReason.SERVICE_UNAVAILABLE,
                    "The model " + model + " is not available right now; try again in a minute");
        }

        Failure timeout() {
            return new Failure(
                    ErrorCode.MODEL_TIMEOUT,
                    ErrorReason.TIMEOUT,
                    "The model " + model + " did not answer in time (MODEL_TIMEOUT_SECONDS); try again, or ask a "
                            + "shorter question");
        }

        /** A stream that opened and then sent nothing for the model timeout. */
        Failure stalled() {
            return new Failure(
                    ErrorCode.MODEL_TIMEOUT,
                    ErrorReason.TIMEOUT,
                    "The model " + model + " stopped sending its answer mid-way for longer than MODEL_TIMEOUT_SECONDS; "
                            + "the part already sent is kept; try again, or ask for a shorter answer");
        }

        Failure unreachable(Optional<String> httpClientError) {
            String how = httpClientError
                    .map(name -> name.startsWith("AWS_IO_DNS_")
                            ? " (its name did not resolve)"
                            : name.startsWith("AWS_IO_TLS_")
                                    ? " (the TLS handshake failed)"
                                    : name.equals("AWS_IO_SOCKET_CONNECTION_REFUSED")
                                            ? " (the connection was refused)"
                                            : name.equals("AWS_IO_SOCKET_TIMEOUT") ? " (the connection timed out)" : "")
                    .orElse("");
            return new Failure(
                    ErrorCode.INTERNAL_ERROR,
                    ErrorReason.ENDPOINT_UNREACHABLE,
                    "Amazon Bedrock could not be reached in " + region + how + ": check the network and the endpoint "
                            + "(in the VPC, the bedrock-runtime interface endpoint and its security group), then try again");
        }

        Failure busy() {
            ChatException busy = ModelCallLimit.busy(model, 0, "none of its connections became free in time");
            return new Failure(
                    ErrorCode.MODEL_BUSY,
                    ErrorReason.CONCURRENCY_LIMIT,
                    busy.getMessage(),
                    OptionalInt.of(ModelCallLimit.RETRY_AFTER_SECONDS));
        }

        /** The connection broke after it was made: mid-answer, or before the model's answer began. */
        Failure broken(boolean midAnswer) {
            return new Failure(
                    ErrorCode.MODEL_ERROR,
                    ErrorReason.CONNECTION_BROKEN,
                    midAnswer
                            ? "The connection to Amazon Bedrock broke while " + model + " was answering; the part "
                                    + "already sent is kept; try again"
                            : "The connection to Amazon Bedrock broke before " + model + " answered; try again (if "
                                    + "it keeps happening, check the network between the function and the endpoint)");
        }

        Failure unexpected() {
            return new Failure(
                    ErrorCode.INTERNAL_ERROR,
                    ErrorReason.UNEXPECTED,
                    "The model call failed unexpectedly; try again, and report the request id if it persists");
        }
    }
}
