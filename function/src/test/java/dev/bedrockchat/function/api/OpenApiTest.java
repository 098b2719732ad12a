package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.http.SecurityHeaders;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** openapi.yaml describes the API as built: its routes, its stream events and every error code. */
class OpenApiTest {
    private static JsonNode spec;

    @BeforeAll
    static void read() throws Exception {
        spec = new ObjectMapper(new YAMLFactory())
                .readTree(Path.of("openapi.yaml").toFile());
    }

    @Test
    void itIsOpenApi31WithEveryRoute() {
        assertThat(spec.path("openapi").asText()).isEqualTo("3.1.0");
        JsonNode paths = spec.path("paths");
        assertThat(paths.path("/api/health").has("get")).isTrue();
        assertThat(paths.path("/api/models").has("get")).isTrue();
        assertThat(paths.path("/api/chat").has("post")).isTrue();
        assertThat(paths.path("/api/conversations/{conversationId}").has("get")).isTrue();
        assertThat(paths.path("/api/conversations/{conversationId}").has("delete"))
                .isTrue();
    }

    @Test
    void everyErrorCodeIsListedInTheEnvelope() {
        var listed = new ArrayList<String>();
        spec.at("/components/schemas/ErrorEnvelope/properties/error/properties/code/enum")
                .forEach(code -> listed.add(code.asText()));

        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(ErrorCode.values()).map(ErrorCode::code).toList());
    }

    @Test
    void everyErrorStatusOfTheChatRouteIsDescribedWithItsCodes() {
        JsonNode responses = spec.at("/paths/~1api~1chat/post/responses");
        for (ErrorCode code : ErrorCode.values()) {
            String status = Integer.toString(code.status());
            JsonNode response = responses.path(status);
            if (response.has("$ref")) {
                response = spec.at(response.path("$ref").asText().substring(1));
            }
            assertThat(response.isMissingNode()).as("response " + status).isFalse();
            assertThat(response.path("description").asText())
                    .as("description of " + status)
                    .contains(code.code());
        }
        assertThat(responses.at("/429/headers/Retry-After").isMissingNode()).isFalse();
    }

    @Test
    void theStreamEventsAreDescribed() {
        String stream = spec.at("/paths/~1api~1chat/post/responses/200/content/text~1event-stream/schema/description")
                .asText();
        for (String part :
                List.of("event: start", "event: done", "event: error", "data: [DONE]", "{\"content\":\"<delta>\"}")) {
            assertThat(stream).contains(part);
        }
        assertThat(spec.at("/components/schemas/StreamDone/required").toString())
                .contains("conversationId", "stopReason", "usage", "latencyMs");
    }

    @Test
    void theContentSecurityPolicyIsTheServersOwn() {
        assertThat(spec.at("/components/headers/ContentSecurityPolicy/schema/const")
                        .asText())
                .isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
    }
}
