package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.RawHttp;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ErrorCode;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The request as the API sees it: headers without regard to case, and the query string's parameters. */
class ApiRequestTest {
    private static ApiRequest withQuery(String rawQuery) {
        return new ApiRequest(
                "GET",
                "/api/health",
                rawQuery,
                Map.of("X-Mixed-Case", List.of("yes")),
                InputStream.nullInputStream(),
                Optional.empty(),
                Optional.empty(),
                GatewayContext.NONE);
    }

    @ParameterizedTest(name = "{0}: {1} = {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "check=bedrock|check|bedrock",
                "a=1&check=bedrock&b=2|check|bedrock",
                "check=first&check=second|check|first",
                "q=two+words|q|two words",
                "q=a%2Bb|q|a+b",
                "q=%E2%9C%93%20ok|q|✓ ok",
                "flag|flag|''",
                "flag=|flag|''",
                "&&check=bedrock&|check|bedrock",
                "na%6De=value|name|value"
            })
    void queryParametersAreDecoded(String rawQuery, String name, String value) {
        assertThat(withQuery(rawQuery).queryParameter(name)).hasValue(value);
    }

    @Test
    void anAbsentParameterIsEmpty() {
        assertThat(withQuery("").queryParameter("check")).isEmpty();
        assertThat(withQuery(null).queryParameter("check")).isEmpty();
        assertThat(withQuery("checked=1").queryParameter("check")).isEmpty();
        assertThat(withQuery(null).rawQuery()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"check=%ZZ", "check=%E2%9C", "other=%C0%AE&check=bedrock", "%G1=x", "check=bedrock%"})
    void malformedPercentEncodingIsAValidationError(String rawQuery) {
        assertThatThrownBy(() -> withQuery(rawQuery).queryParameter("check"))
                .isInstanceOfSatisfying(ChatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_ERROR);
                    assertThat(e.getMessage()).contains("query string");
                });
    }

    @Test
    void headersAreFoundWithoutRegardToCase() {
        assertThat(withQuery("").header("x-mixed-case")).hasValue("yes");
    }

    @Test
    void aMalformedQueryOverHttpIsA400WithTheEnvelope() {
        try (TestApp app = TestApp.start(Map.of("CHAT_MODE", "offline"))) {
            // Valid escapes that are not UTF-8 pass the JDK server's own URI check and reach the API.
            RawHttp.Response response = RawHttp.get(app.port(), "/api/health?check=%C0%AE");

            assertThat(response.status()).isEqualTo(400);
            assertThat(TestApp.json(response.body()).path("error").path("code").asText())
                    .isEqualTo("ValidationError");
            assertThat(TestApp.json(response.body())
                            .path("error")
                            .path("message")
                            .asText())
                    .contains("query string");
        }
    }
}
