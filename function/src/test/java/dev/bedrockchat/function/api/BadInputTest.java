package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.RawHttp;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad requests get their status and the error envelope, never reach the model or the disk, and do not hurt. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputTest {
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(
                stub.endpoint(), Map.of("MAX_MESSAGE_CHARS", "50", "ALLOWED_MODEL_IDS", "amazon.nova-pro-v1:0"));
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @AfterEach
    void serverKeepsServingAndNothingReachedTheModel() {
        assertThat(app.get("/api/health").statusCode()).isEqualTo(200);
        assertThat(stub.requests()).isEmpty();
    }

    private static JsonNode error(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
        JsonNode error = TestApp.json(response).path("error");
        assertThat(error.path("requestId").asText())
                .isEqualTo(response.headers().firstValue("x-request-id").orElseThrow());
        assertThat(error.path("message").asText()).isNotBlank();
        return error;
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"message\":", "not json", "[\"message\"]", "\"just a string\"", "42", ""})
    void malformedOrNonObjectJsonIsAValidationError(String body) {
        HttpResponse<String> response = app.postJson("/api/chat", body);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("code").asText()).isEqualTo("ValidationError");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "{\"message\":\"\"}", "{\"message\":\"   \\n \"}", "{\"message\":null}"})
    void aMissingOrBlankMessageIsAValidationError(String body) {
        HttpResponse<String> response = app.postJson("/api/chat", body);

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.path("code").asText()).isEqualTo("ValidationError");
        assertThat(error.path("message").asText()).contains("message is required");
    }

    @Test
    void aMessageThatIsNotAStringIsAValidationError() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":{\"text\":\"hi\"}}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText()).contains("message must be a string");
    }

    @Test
    void aMessageOverTheLimitIsAValidationErrorThatNamesTheLimit() {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"" + "x".repeat(51) + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText())
                .contains("51")
                .contains("50")
                .contains("MAX_MESSAGE_CHARS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"})
    void aBodyThatIsNotJsonIsUnsupported(String contentType) {
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"hi\"}", "Content-Type", contentType);

        assertThat(response.statusCode()).isEqualTo(415);
        assertThat(error(response).path("code").asText()).isEqualTo("UnsupportedMediaType");
    }

    @Test
    void jsonWithACharsetIsAccepted() {
        // The model is reached here: clear the stub so that the after-check only sees bad requests.
        HttpResponse<String> response =
                app.postJson("/api/chat", "{\"message\":\"hi\"}", "Content-Type", "application/json; charset=UTF-8");
        assertThat(response.statusCode()).isEqualTo(200);
        stub.clear();
    }

    @Test
    void aDeclaredBodyOverTheLimitIsRefusedWithoutReadingIt() {
        RawHttp.Response response =
                RawHttp.exchange(app.port(), """
                POST /api/chat HTTP/1.1
                Host: localhost
                Content-Type: application/json
                Content-Length: 10485760
                Connection: close
                """, "{\"message\":\"".getBytes(StandardCharsets.UTF_8));

        assertThat(response.status()).isEqualTo(413);
        assertThat(TestApp.json(response.body()).path("error").path("code").asText())
                .isEqualTo("PayloadTooLarge");
    }

    @Test
    void aChunkedBodyOverTheLimitIsRefused() {
        byte[] chunk = ("{\"message\":\"" + "y".repeat(300 * 1024) + "\"}").getBytes(StandardCharsets.UTF_8);
        byte[] framed = (Integer.toHexString(chunk.length) + "\r\n" + new String(chunk, StandardCharsets.UTF_8)
                        + "\r\n0\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8);
        RawHttp.Response response = RawHttp.exchange(app.port(), """
                POST /api/chat HTTP/1.1
                Host: localhost
                Content-Type: application/json
                Transfer-Encoding: chunked
                Connection: close
                """, framed);

        assertThat(response.status()).isEqualTo(413);
        assertThat(TestApp.json(response.body()).path("error").path("code").asText())
                .isEqualTo("PayloadTooLarge");
    }

    @Test
    void aBodyJustUnderTheLimitIsReadAndValidated() {
        String padding = " ".repeat(256 * 1024 - 100);
        HttpResponse<String> response = app.postJson("/api/chat", "{\"message\":\"" + "z".repeat(60) + "\"}" + padding);

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText()).contains("MAX_MESSAGE_CHARS");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "not-a-uuid",
                "123",
                "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a6",
                "3f1c2a9e8b7d4c6e9a5f1e2d3c4b5a69",
                "../../etc/passwd",
                "..",
                "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69/../x"
            })
    void aConversationIdInTheBodyMustBeAUuid(String id) {
        HttpResponse<String> response =
                app.postJson("/api/chat", "{\"message\":\"hi\",\"conversationId\":\"" + id + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("message").asText()).contains("conversationId must be a UUID");
    }

    @ParameterizedTest
    @CsvSource({
        "not-a-uuid, 400, ValidationError",
        "..%2F..%2Fetc%2Fpasswd, 400, ValidationError",
        "%2e%2e, 400, ValidationError",
        "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a6%00, 400, ValidationError",
        "3F1C2A9E-8B7D-4C6E-9A5F-1E2D3C4B5A69%2F, 400, ValidationError",
        "%C0%AE%C0%AE, 400, ValidationError"
    })
    void aBadConversationIdInThePathIsRefusedBeforeAnyStorage(String rawId, int status, String code) {
        RawHttp.Response response = RawHttp.get(app.port(), "/api/conversations/" + rawId);

        assertThat(response.status()).as(rawId).isEqualTo(status);
        JsonNode error = TestApp.json(response.body()).path("error");
        assertThat(error.path("code").asText()).as(rawId).isEqualTo(code);
        assertThat(response.header("x-request-id"))
                .isEqualTo(error.path("requestId").asText());
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/api/conversations/../../../etc/passwd",
                "/api/conversations/a/b",
                "/api/conversations/",
                "/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69/other",
                "/api/nope",
                "/api",
                "/api/chat/extra",
                "/api/health/"
            })
    void unknownApiRoutesAreNotFound(String path) {
        RawHttp.Response response = RawHttp.get(app.port(), path);

        assertThat(response.status()).isEqualTo(404);
        JsonNode error = TestApp.json(response.body()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("NotFound");
        assertThat(response.header("x-request-id"))
                .isEqualTo(error.path("requestId").asText());
    }

    @Test
    void anUnknownConversationIsNotFound() {
        HttpResponse<String> response = app.get("/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69");

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(error(response).path("code").asText()).isEqualTo("NotFound");
    }

    @Test
    void aWrongMethodIsNotAllowedAndNamesTheRightOnes() {
        HttpResponse<String> chat = app.get("/api/chat");
        assertThat(chat.statusCode()).isEqualTo(405);
        assertThat(chat.headers().firstValue("Allow")).hasValue("POST");
        assertThat(error(chat).path("code").asText()).isEqualTo("MethodNotAllowed");

        HttpResponse<String> health = app.method("POST", "/api/health");
        assertThat(health.statusCode()).isEqualTo(405);
        assertThat(health.headers().firstValue("Allow")).hasValue("GET, HEAD");
        assertThat(error(health).path("message").asText())
                .isEqualTo("Method POST is not allowed here; use GET or HEAD");

        HttpResponse<String> conversation =
                app.method("PUT", "/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69");
        assertThat(conversation.statusCode()).isEqualTo(405);
        assertThat(conversation.headers().firstValue("Allow")).hasValue("GET, HEAD, PATCH, DELETE");

        HttpResponse<String> headOfChat = app.method("HEAD", "/api/chat");
        assertThat(headOfChat.statusCode()).isEqualTo(405);
        assertThat(headOfChat.headers().firstValue("Allow")).hasValue("POST");
        assertThat(headOfChat.body()).isEmpty();

        HttpResponse<String> models = app.method("PATCH", "/api/models");
        assertThat(models.statusCode()).isEqualTo(405);
        assertThat(models.headers().firstValue("Allow")).hasValue("GET, HEAD");

        HttpResponse<String> events = app.get("/events");
        assertThat(events.statusCode()).isEqualTo(405);
        assertThat(events.headers().firstValue("Allow")).hasValue("POST");
    }

    @Test
    void aModelOutsideTheAllowListIsRefused() {
        HttpResponse<String> response = app.postJson(
                "/api/chat", "{\"message\":\"hi\",\"modelId\":\"anthropic.claude-opus-4-1-20250805-v1:0\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        JsonNode error = error(response);
        assertThat(error.path("code").asText()).isEqualTo("ModelNotAllowed");
        assertThat(error.path("message").asText()).contains("/api/models");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../secret", "Amazon.Nova", "amazon nova", "x", "amazon.nova-pro-v1:0\\n"})
    void aMalformedModelIdIsAValidationError(String modelId) {
        HttpResponse<String> response =
                app.postJson("/api/chat", "{\"message\":\"hi\",\"modelId\":\"" + modelId + "\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("code").asText()).isEqualTo("ValidationError");
    }

    @Test
    void aBadRequestIsNotMistakenForAStream() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(error(response).path("code").asText()).isEqualTo("ValidationError");
    }
}
