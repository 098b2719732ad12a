package dev.bedrockchat.function.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.http.ContentTypes;
import dev.bedrockchat.function.http.SecurityHeaders;
import java.nio.charset.StandardCharsets;

/** What every refusal of the server must look like, on the wire and in the log. */
final class Refusals {
    private Refusals() {}

    /**
     * The response is the API's error envelope with this status and code, the security headers, a matching
     * {@code x-request-id}, {@code Connection: close}, and the request has its log line.
     *
     * @return the error object of the envelope
     */
    static JsonNode assertRefused(ServerUnderTest server, RawClient.Response response, int status, String code) {
        assertThat(response.status()).as("status").isEqualTo(status);
        assertThat(response.header("content-type")).isEqualTo(ContentTypes.JSON);
        assertThat(response.header("content-length"))
                .isEqualTo(Integer.toString(response.text().getBytes(StandardCharsets.UTF_8).length));
        assertThat(response.header("connection")).isEqualTo("close");
        SecurityHeaders.local()
                .forEach((name, value) ->
                        assertThat(response.header(name)).as(name).isEqualTo(value));
        JsonNode error = response.error();
        assertThat(error.path("code").asText()).isEqualTo(code);
        assertThat(error.path("message").asText())
                .isNotBlank()
                .doesNotContain("Exception")
                .doesNotContain("java.");
        String requestId = error.path("requestId").asText();
        assertThat(response.header("x-request-id")).isEqualTo(requestId);
        JsonNode line = server.requestLog(requestId);
        assertThat(line.path("status").asInt()).isEqualTo(status);
        assertThat(line.path("errorCode").asText()).isEqualTo(code);
        assertThat(line.path("level").asText()).isEqualTo("info");
        return error;
    }
}
