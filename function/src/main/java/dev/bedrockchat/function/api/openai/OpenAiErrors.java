package dev.bedrockchat.function.api.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * The errors of {@code /v1} in the OpenAI API's shape, {@code {"error":{"message","type","param","code"}}}, from the
 * same error table as the chat API: the same statuses (and {@code Retry-After}), with the OpenAI type of each status
 * and, where the OpenAI API has one, its code ({@code invalid_api_key}, {@code model_not_found}, …); otherwise the
 * code is the chat API's ({@code Throttled}, {@code ModelTimeout}, …).
 */
public final class OpenAiErrors {
    /** The chat API's code for a model outside the allow-list; on {@code /v1} it is 404 {@code model_not_found}. */
    private static final String MODEL_NOT_ALLOWED = "ModelNotAllowed";

    private OpenAiErrors() {}

    /** The status of an error of the table on {@code /v1}: the chat API's, but 404 for an unknown model. */
    public static int status(String code, int status) {
        return code.equals(MODEL_NOT_ALLOWED) ? 404 : status;
    }

    /** The OpenAI error type of a status. */
    public static String type(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 429 -> "rate_limit_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    /** The OpenAI code of an error of the table (the chat API's code where the OpenAI API has none for it). */
    public static String code(String code) {
        return switch (code) {
            case "Unauthorized" -> "invalid_api_key";
            case MODEL_NOT_ALLOWED -> "model_not_found";
            case "ValidationError" -> OpenAiInvalidRequest.INVALID_VALUE;
            default -> code;
        };
    }

    /** The param an error of the table is about, when it is about one. */
    public static Optional<String> param(String code) {
        return code.equals(MODEL_NOT_ALLOWED) ? Optional.of("model") : Optional.empty();
    }

    /** The envelope. */
    public static ObjectNode envelope(
            ObjectMapper mapper, int status, String message, Optional<String> param, String code) {
        ObjectNode envelope = mapper.createObjectNode();
        ObjectNode error = envelope.putObject("error").put("message", message).put("type", type(status));
        param.ifPresentOrElse(value -> error.put("param", value), () -> error.putNull("param"));
        error.put("code", code);
        return envelope;
    }
}
