package dev.bedrockchat.function.api.openai;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The OpenAI wire mapping: finish reasons from Converse's stop reasons, and error types and codes of the table. */
class OpenAiWireTest {
    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "end_turn,stop",
        "stop_sequence,stop",
        "max_tokens,length",
        "model_context_window_exceeded,length",
        "guardrail_intervened,content_filter",
        "content_filtered,content_filter",
        "tool_use,tool_calls",
        "a_reason_from_the_future,stop"
    })
    void finishReasons(String stopReason, String finishReason) {
        assertThat(FinishReasons.of(stopReason)).isEqualTo(finishReason);
    }

    @ParameterizedTest(name = "{0} {1} → {2} {3} {4}")
    @CsvSource({
        "ValidationError,400,400,invalid_request_error,invalid_value",
        "ModelNotAllowed,400,404,not_found_error,model_not_found",
        "Unauthorized,401,401,authentication_error,invalid_api_key",
        "Forbidden,403,403,permission_error,Forbidden",
        "NotFound,404,404,not_found_error,NotFound",
        "MethodNotAllowed,405,405,invalid_request_error,MethodNotAllowed",
        "PayloadTooLarge,413,413,invalid_request_error,PayloadTooLarge",
        "Throttled,429,429,rate_limit_error,Throttled",
        "InternalError,500,500,api_error,InternalError",
        "ModelAccessDenied,502,502,api_error,ModelAccessDenied",
        "ModelBusy,503,503,api_error,ModelBusy",
        "ModelTimeout,504,504,api_error,ModelTimeout"
    })
    void errorsOfTheTable(String code, int status, int openAiStatus, String type, String openAiCode) {
        assertThat(OpenAiErrors.status(code, status)).isEqualTo(openAiStatus);
        assertThat(OpenAiErrors.type(openAiStatus)).isEqualTo(type);
        assertThat(OpenAiErrors.code(code)).isEqualTo(openAiCode);
    }

    @org.junit.jupiter.api.Test
    void theEnvelopeHasTheFourFieldsWithANullParam() {
        assertThat(OpenAiErrors.envelope(new ObjectMapper(), 429, "Slow down", Optional.empty(), "Throttled")
                        .toString())
                .isEqualTo("{\"error\":{\"message\":\"Slow down\",\"type\":\"rate_limit_error\",\"param\":null,"
                        + "\"code\":\"Throttled\"}}");
    }
}
