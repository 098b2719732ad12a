package dev.bedrockchat.function.properties;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.TestApp;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever a client sends to {@code POST /api/chat}, the answer is a success or one of the documented client errors
 * with the error envelope, never a 500: raw bytes of any kind, JSON of any shape, fields of the wrong types, text with
 * any characters (the offline stand-in answers, through the real HTTP server).
 */
class ChatRequestProperties {
    private static final Set<Integer> DOCUMENTED = Set.of(200, 400, 404, 413, 415);
    private static TestApp app;

    @BeforeContainer
    static void start() {
        app = TestApp.start(Map.of("CHAT_MODE", "offline", "MAX_MESSAGE_CHARS", "200"));
    }

    @AfterContainer
    static void stop() {
        app.close();
    }

    private static void assertDocumented(HttpResponse<String> response) {
        assertThat(DOCUMENTED).as(response.body()).contains(response.statusCode());
        if (response.statusCode() != 200) {
            JsonNode error = TestApp.json(response).path("error");
            assertThat(error.path("code").asText()).isNotBlank();
            assertThat(error.path("message").asText()).isNotBlank().doesNotContain("Exception");
            assertThat(error.path("requestId").asText()).isEqualTo(TestApp.requestId(response));
        }
    }

    private static HttpResponse<String> post(byte[] body, String contentType) {
        return app.send(HttpRequest.newBuilder(app.uri("/api/chat"))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    @Property(tries = 150)
    void anyBytesGetADocumentedAnswer(@ForAll("bytes") byte[] body, @ForAll("contentTypes") String contentType) {
        assertDocumented(post(body, contentType));
    }

    @Property(tries = 200)
    void anyJsonObjectGetsADocumentedAnswer(@ForAll("bodies") JsonNode body) {
        assertDocumented(app.postJson("/api/chat", body.toString()));
    }

    @Property(tries = 100)
    void anyTextAsAMessageIsAnsweredOrRefusedAsTooLong(@ForAll("texts") String message) {
        ObjectNode body = JsonNodeFactory.instance.objectNode().put("message", message);
        HttpResponse<String> response = app.postJson("/api/chat", body.toString());

        assertDocumented(response);
        if (!message.isBlank() && message.codePointCount(0, message.length()) <= 200 && wholeText(message)) {
            assertThat(response.statusCode()).as(message).isEqualTo(200);
        }
    }

    private static boolean wholeText(String text) {
        return text.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE);
    }

    @Provide
    Arbitrary<byte[]> bytes() {
        Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        Arbitrary<byte[]> almostJson = Arbitraries.of(
                        "{\"message\":\"hi\"}",
                        "{\"message\":\"hi\"} trailing",
                        "{\"message\":\"a\\ud800\"}",
                        "[\"message\"]",
                        "null",
                        "{\"message\":",
                        "{\"message\":\"hi\",\"message\":\"hi\"}",
                        "\uFEFF{\"message\":\"bom\"}")
                .map(text -> text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Arbitrary<byte[]> corrupted = Combinators.combine(
                        almostJson, Arbitraries.integers().between(0, 40), Arbitraries.bytes())
                .as((bytes, at, value) -> {
                    byte[] copy = bytes.clone();
                    copy[Math.min(at, copy.length - 1)] = value;
                    return copy;
                });
        return Arbitraries.oneOf(random, almostJson, corrupted);
    }

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.of(
                "application/json", "application/json; charset=utf-8", "application/problem+json", "text/plain", "");
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(250),
                Arbitraries.strings().all().ofMaxLength(50),
                Arbitraries.strings()
                        .withChars("\r\n\t \u0000\u2028\u202E`#*<>\"\\")
                        .ofMaxLength(40));
    }

    @Provide
    Arbitrary<JsonNode> bodies() {
        Arbitrary<JsonNode> values = Arbitraries.oneOf(
                texts().map(JsonNodeFactory.instance::textNode),
                Arbitraries.integers().map(JsonNodeFactory.instance::numberNode),
                Arbitraries.of(JsonNodeFactory.instance.nullNode(), JsonNodeFactory.instance.booleanNode(true)),
                Arbitraries.just(JsonNodeFactory.instance.arrayNode().add("x")),
                Arbitraries.of("3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69", "not-a-uuid", "amazon.nova-lite-v1:0", "")
                        .map(JsonNodeFactory.instance::textNode));
        Arbitrary<String> names = Arbitraries.of("message", "conversationId", "modelId", "other");
        return Arbitraries.maps(names, values).ofMaxSize(4).map(fields -> {
            ObjectNode body = JsonNodeFactory.instance.objectNode();
            fields.forEach(body::set);
            return body;
        });
    }
}
