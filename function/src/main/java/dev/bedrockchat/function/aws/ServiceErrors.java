package dev.bedrockchat.function.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.crt.CRT;
import software.amazon.awssdk.crt.http.HttpException;

/**
 * What the operators need to follow up a failure with AWS, as plain diagnostics that the adapters attach to the
 * errors they raise: the failure's class, and when an AWS service answered with an error, its error code and request
 * id; when the HTTP client could not reach the service, the client's own error name. Never the message text (it may
 * quote the request).
 */
public final class ServiceErrors {
    private ServiceErrors() {}

    /**
     * {@code errorCause}; {@code awsErrorCode} and {@code awsRequestId} when an AWS service error is in the chain;
     * {@code httpClientError} (e.g. {@code AWS_IO_SOCKET_CONNECTION_REFUSED}) when the CRT HTTP client failed.
     */
    public static Map<String, String> diagnostics(Throwable cause) {
        var fields = new LinkedHashMap<String, String>();
        if (cause == null) {
            return fields;
        }
        fields.put("errorCause", cause.getClass().getName());
        serviceError(cause).ifPresent(service -> {
            if (service.awsErrorDetails() != null && service.awsErrorDetails().errorCode() != null) {
                fields.put("awsErrorCode", service.awsErrorDetails().errorCode());
            }
            if (service.requestId() != null) {
                fields.put("awsRequestId", service.requestId());
            }
        });
        httpClientError(cause).ifPresent(name -> fields.put("httpClientError", name));
        return fields;
    }

    /** The AWS service error in the chain, if any. */
    public static Optional<AwsServiceException> serviceError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException service) {
                return Optional.of(service);
            }
        }
        return Optional.empty();
    }

    /** The CRT HTTP client's error name ({@code AWS_IO_…}) when it failed to reach the service; empty otherwise. */
    public static Optional<String> httpClientError(Throwable thrown) {
        for (Throwable t = thrown; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http) {
                return Optional.of(errorName(http.getErrorCode()));
            }
        }
        return Optional.empty();
    }

    private static String errorName(int code) {
        try {
            return CRT.awsErrorName(code);
        } catch (RuntimeException | LinkageError e) {
            return "CRT error " + code;
        }
    }
}
