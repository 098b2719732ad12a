package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.commonmark.node.BlockQuote;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Node;
import org.commonmark.node.Text;
import org.commonmark.parser.Parser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** The conversation routes over real HTTP, in Bedrock mode against the stub: list, search, rename, export, delete. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConversationsApiTest {
    private BedrockRuntimeStub stub;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        app = TestApp.againstStub(stub.endpoint(), Map.of());
    }

    @AfterAll
    void stop() {
        app.close();
        stub.close();
    }

    @BeforeEach
    void empty() {
        assertThat(app.delete("/api/conversations").statusCode()).isEqualTo(200);
    }

    private String newConversation(String message) {
        JsonNode reply = TestApp.json(app.postJson("/api/chat", "{\"message\":" + quoted(message) + "}"));
        assertThat(reply.path("stored").asBoolean()).isTrue();
        return reply.path("conversationId").asText();
    }

    private static String quoted(String text) {
        return com.fasterxml.jackson.databind.node.TextNode.valueOf(text).toString();
    }

    private HttpResponse<String> patch(String path, String body, String... headers) {
        var builder = HttpRequest.newBuilder(app.uri(path)).method("PATCH", HttpRequest.BodyPublishers.ofString(body));
        if (headers.length == 0) {
            builder.header("Content-Type", "application/json");
        }
        return app.send(builder, headers);
    }

    private static List<String> ids(JsonNode page) {
        return page.path("conversations").findValuesAsText("id");
    }

    @Test
    void theListingIsNewestFirstWithTitlesAndPagesByAnOpaqueCursor() {
        String first = newConversation("First question about\nthe sea");
        String second = newConversation("Second question");
        String third = newConversation("Third question");

        JsonNode all = TestApp.json(app.get("/api/conversations"));
        assertThat(ids(all)).containsExactly(third, second, first);
        assertThat(all.path("nextCursor").isNull()).isTrue();
        JsonNode item = all.path("conversations").get(2);
        assertThat(item.path("title").asText()).isEqualTo("First question about the sea");
        assertThat(item.path("messageCount").asInt()).isEqualTo(2);
        assertThat(item.fieldNames())
                .toIterable()
                .containsExactly("id", "title", "createdAt", "updatedAt", "messageCount");

        JsonNode page1 = TestApp.json(app.get("/api/conversations?limit=2"));
        assertThat(ids(page1)).containsExactly(third, second);
        String cursor = page1.path("nextCursor").asText();
        JsonNode page2 = TestApp.json(app.get("/api/conversations?limit=2&cursor=" + cursor));
        assertThat(ids(page2)).containsExactly(first);
        assertThat(page2.path("nextCursor").isNull()).isTrue();

        for (String bad : List.of("limit=0", "limit=101", "limit=ten", "cursor=nonsense", "q=" + "x".repeat(201))) {
            HttpResponse<String> refused = app.get("/api/conversations?" + bad);
            assertThat(refused.statusCode()).as(bad).isEqualTo(400);
            assertThat(TestApp.json(refused).path("error").path("code").asText())
                    .isEqualTo("ValidationError");
        }
    }

    @Test
    void searchFindsTitlesAndMessageTextsIgnoringCase() {
        String sea = newConversation("Tell me about the sea");
        newConversation("Mountains");
        String answer = newConversation("Deserts");
        app.postJson("/api/chat", "{\"message\":\"and the SEAWEED there\",\"conversationId\":\"" + answer + "\"}");

        assertThat(ids(TestApp.json(app.get("/api/conversations?q=sea")))).containsExactly(answer, sea);
        assertThat(ids(TestApp.json(app.get("/api/conversations?q=stub%20REPLY%20to%3A%20mountains"))))
                .hasSize(1);
        assertThat(ids(TestApp.json(app.get("/api/conversations?q=nowhere")))).isEmpty();
    }

    @Test
    void aRenamedConversationKeepsItsTitleInTheListingTheConversationAndTheNextTurn() {
        String id = newConversation("What about pricing?");

        HttpResponse<String> renamed = patch("/api/conversations/" + id, "{\"title\":\"  Bedrock\\npricing  \"}");

        assertThat(renamed.statusCode()).isEqualTo(200);
        JsonNode summary = TestApp.json(renamed);
        assertThat(summary.path("id").asText()).isEqualTo(id);
        assertThat(summary.path("title").asText()).isEqualTo("Bedrock pricing");
        assertThat(summary.path("messageCount").asInt()).isEqualTo(2);
        JsonNode next = TestApp.json(app.chatStream("{\"message\":\"and more\",\"conversationId\":\"" + id + "\"}")
                .body()
                .lines()
                .filter(line -> line.startsWith("data: {\"conversationId\""))
                .findFirst()
                .orElseThrow()
                .substring("data: ".length()));
        assertThat(next.path("title").asText()).isEqualTo("Bedrock pricing");
        assertThat(TestApp.json(app.get("/api/conversations/" + id))
                        .path("title")
                        .asText())
                .isEqualTo("Bedrock pricing");
        assertThat(TestApp.json(app.get("/api/conversations"))
                        .path("conversations")
                        .get(0)
                        .path("title")
                        .asText())
                .isEqualTo("Bedrock pricing");

        assertThat(patch("/api/conversations/" + id, "{\"title\":\"   \"}").statusCode())
                .isEqualTo(400);
        assertThat(patch("/api/conversations/" + id, "{\"title\":\"" + "x".repeat(201) + "\"}")
                        .statusCode())
                .isEqualTo(400);
        assertThat(patch("/api/conversations/" + id, "{\"title\":7}").statusCode())
                .isEqualTo(400);
        assertThat(patch("/api/conversations/" + id, "{\"title\":\"x\"}", "Content-Type", "text/plain")
                        .statusCode())
                .isEqualTo(415);
        assertThat(patch("/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69", "{\"title\":\"x\"}")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void aPartialAnswerIsShownMarkedInTheConversationAndTheExport() {
        HttpResponse<String> response = app.chatStream("{\"message\":\"[midstream] go\"}");
        String id = TestApp.json(Sse.parse(response.body()).getFirst().data())
                .path("conversationId")
                .asText();

        JsonNode messages = TestApp.json(app.get("/api/conversations/" + id)).path("messages");
        assertThat(messages).hasSize(2);
        assertThat(messages.get(1).path("partial").asBoolean()).isTrue();
        assertThat(messages.get(1).path("partialReason").asText()).isEqualTo("model_error");
        assertThat(messages.get(1).path("content").asText()).isEqualTo(Sse.text(Sse.parse(response.body())));
        assertThat(messages.get(0).has("partial")).isFalse();

        JsonNode exported = TestApp.json(app.get("/api/conversations/" + id + "/export?format=json"));
        assertThat(exported.path("messages").get(1).path("partialReason").asText())
                .isEqualTo("model_error");
        assertThat(app.get("/api/conversations/" + id + "/export").body()).contains("Partial answer (model_error)");
    }

    @Test
    void theMarkdownExportIsWellFormedWithRolesAndTimesWhateverTheMessagesHold() {
        String tricky = "# not a heading\n```python\nprint(\"unclosed\")";
        String id = newConversation(tricky);
        app.postJson("/api/chat", "{\"message\":\"second ``` turn\",\"conversationId\":\"" + id + "\"}");

        HttpResponse<String> export = app.get("/api/conversations/" + id + "/export?format=markdown");

        assertThat(export.statusCode()).isEqualTo(200);
        assertThat(export.headers().firstValue("Content-Type")).hasValue("text/markdown; charset=utf-8");
        assertThat(export.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"conversation-" + id + ".md\"");
        Node document = Parser.builder().build().parse(export.body());
        var headings = new ArrayList<String>();
        var userTexts = new ArrayList<String>();
        for (Node node = document.getFirstChild(); node != null; node = node.getNext()) {
            if (node instanceof Heading heading) {
                headings.add(heading.getLevel() + " " + text(heading));
            }
            if (node instanceof FencedCodeBlock code && "text".equals(code.getInfo())) {
                userTexts.add(code.getLiteral());
            }
            assertThat(node).isNotInstanceOf(BlockQuote.class);
        }
        assertThat(headings).hasSize(5);
        assertThat(headings.get(0)).startsWith("1 # not a heading");
        assertThat(headings.subList(1, 5))
                .allMatch(heading ->
                        heading.matches("2 (User|Assistant) · \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"));
        assertThat(headings.subList(1, 5))
                .extracting(h -> h.split(" ")[1])
                .containsExactly("User", "Assistant", "User", "Assistant");
        assertThat(userTexts).containsExactly(tricky + "\n", "second ``` turn\n");

        HttpResponse<String> json = app.get("/api/conversations/" + id + "/export?format=json");
        assertThat(json.headers().firstValue("Content-Disposition"))
                .hasValue("attachment; filename=\"conversation-" + id + ".json\"");
        JsonNode body = TestApp.json(json);
        assertThat(body.path("conversationId").asText()).isEqualTo(id);
        assertThat(body.path("exportedAt").asText()).isNotBlank();
        assertThat(body.path("messages").findValuesAsText("role"))
                .containsExactly("user", "assistant", "user", "assistant");
        assertThat(body.path("messages").get(0).path("content").asText()).isEqualTo(tricky);

        HttpResponse<String> head = app.method("HEAD", "/api/conversations/" + id + "/export");
        assertThat(head.statusCode()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(app.get("/api/conversations/" + id + "/export?format=pdf").statusCode())
                .isEqualTo(400);
        assertThat(app.get("/api/conversations/3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69/export")
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void deletingAllOfMineSaysHowManyAndLeavesNone() {
        newConversation("one");
        newConversation("two");

        HttpResponse<String> deleted = app.delete("/api/conversations");

        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(TestApp.json(deleted).path("deleted").asInt()).isEqualTo(2);
        assertThat(ids(TestApp.json(app.get("/api/conversations")))).isEmpty();
        assertThat(TestApp.json(app.delete("/api/conversations"))
                        .path("deleted")
                        .asInt())
                .isZero();
    }

    /** Malformed UTF-8 and trailing data are refused (B9), and so are duplicate fields and unpaired surrogates. */
    @Test
    void bodiesAreReadStrictly() {
        byte[] overlong = "{\"message\":\"a\u0000b\"}".getBytes(StandardCharsets.UTF_8);
        // C0 AF: an overlong encoding of '/', which a lenient decoder turns into '/'.
        overlong[12] = (byte) 0xC0;
        byte[] withOverlong = new byte[overlong.length + 1];
        System.arraycopy(overlong, 0, withOverlong, 0, 13);
        withOverlong[13] = (byte) 0xAF;
        System.arraycopy(overlong, 13, withOverlong, 14, overlong.length - 13);
        HttpResponse<String> malformed = app.send(HttpRequest.newBuilder(app.uri("/api/chat"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(withOverlong)));
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(TestApp.json(malformed).path("error").path("message").asText())
                .contains("not valid UTF-8");

        Map<String, String> refused = Map.of(
                "{\"message\":\"hi\"} {\"message\":\"again\"}", "more after its JSON object",
                "{\"message\":\"hi\"}garbage", "more after its JSON object",
                "{\"message\":\"hi\",\"message\":\"twice\"}", "the field \"message\" twice",
                "{\"message\":\"\\ud800 alone\"}", "unpaired UTF-16 surrogate");
        stub.clear();
        refused.forEach((body, says) -> {
            HttpResponse<String> response = app.postJson("/api/chat", body);
            assertThat(response.statusCode()).as(body).isEqualTo(400);
            JsonNode error = TestApp.json(response).path("error");
            assertThat(error.path("code").asText()).isEqualTo("ValidationError");
            assertThat(error.path("message").asText()).as(body).contains(says);
        });
        assertThat(stub.requests()).isEmpty();
        assertThat(app.postJson("/api/chat", "{\"message\":\"fine\"}  \n").statusCode())
                .isEqualTo(200);
    }

    private static String text(Node node) {
        var text = new StringBuilder();
        for (Node child = node.getFirstChild(); child != null; child = child.getNext()) {
            if (child instanceof Text t) {
                text.append(t.getLiteral());
            } else {
                text.append(text(child));
            }
        }
        return text.toString();
    }
}
