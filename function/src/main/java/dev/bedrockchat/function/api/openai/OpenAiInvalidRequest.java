package dev.bedrockchat.function.api.openai;

import java.util.Objects;

/**
 * A {@code /v1} request refused for one of its fields, in the OpenAI API's terms: {@code param} names the field (as a
 * path such as {@code messages[2].content}), {@code code} says what is wrong with it
 * ({@value #UNSUPPORTED_PARAMETER}, {@value #INVALID_VALUE}, …). Answered 400 {@code invalid_request_error}.
 */
public final class OpenAiInvalidRequest extends RuntimeException {
    /** A field this API does not take (it would change the answer, and Amazon Bedrock has no equivalent). */
    public static final String UNSUPPORTED_PARAMETER = "unsupported_parameter";
    /** A field of the right name with a value that cannot be used. */
    public static final String INVALID_VALUE = "invalid_value";
    /** A field the request needs. */
    public static final String MISSING_REQUIRED_PARAMETER = "missing_required_parameter";
    /** A field whose value this API does not take (another {@code n} than 1, a content part other than text). */
    public static final String UNSUPPORTED_VALUE = "unsupported_value";

    private final String param;
    private final String code;

    public OpenAiInvalidRequest(String param, String code, String message) {
        super(Objects.requireNonNull(message, "message"), null, false, false);
        this.param = Objects.requireNonNull(param, "param");
        this.code = Objects.requireNonNull(code, "code");
    }

    public String param() {
        return param;
    }

    public String code() {
        return code;
    }
}
