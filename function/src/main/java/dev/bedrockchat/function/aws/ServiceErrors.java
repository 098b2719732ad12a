package dev.bedrockchat.function.aws;

import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/**
 * What the operators need to follow up a failure with AWS, for a log line: the failure's class, and when an AWS
 * service answered with an error, its error code and request id. Never the message text (it may quote the request).
 */
public final class ServiceErrors {
    private ServiceErrors() {}

    /** {@code errorCause}; {@code awsErrorCode} and {@code awsRequestId} when an AWS service error is in the chain. */
    public static Map<String, Object> logFields(Throwable cause) {
        var fields = new LinkedHashMap<String, Object>();
        if (cause == null) {
            return fields;
        }
        fields.put("errorCause", cause.getClass().getName());
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AwsServiceException service) {
                if (service.awsErrorDetails() != null
                        && service.awsErrorDetails().errorCode() != null) {
                    fields.put("awsErrorCode", service.awsErrorDetails().errorCode());
                }
                if (service.requestId() != null) {
                    fields.put("awsRequestId", service.requestId());
                }
                break;
            }
        }
        return fields;
    }
}
