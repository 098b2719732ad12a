package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.auth.AuthReason;
import dev.bedrockchat.function.chat.ErrorReason;
import dev.bedrockchat.function.http.SecurityHeaders;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
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
        assertThat(paths.path("/api/auth/config").has("get")).isTrue();
        assertThat(paths.path("/api/me").has("get")).isTrue();
        assertThat(paths.path("/api/models").has("get")).isTrue();
        assertThat(paths.path("/api/chat").has("post")).isTrue();
        assertThat(paths.path("/api/conversations/{conversationId}").has("get")).isTrue();
        assertThat(paths.path("/api/conversations/{conversationId}").has("delete"))
                .isTrue();
    }

    /** The operations of the route table: "method path" for every row openapi.yaml describes, HEAD with GET. */
    private static Set<String> tableOperations() throws Exception {
        Path data = Files.createTempDirectory("openapi-test");
        Config config =
                Config.from(Map.of("CHAT_MODE", "offline", "CHAT_DATA_DIR", data.toString()), new Properties(), data);
        try (Application application = Application.builder(config)
                .logTo(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8))
                .build()) {
            return operations(application.api().routes());
        }
    }

    private static Set<String> operations(Routes routes) {
        var operations = new TreeSet<String>();
        for (Route route : routes.rows()) {
            String path = route.path().template();
            // Not part of the public API: every other /api and /v1 path (404), the page, the Lambda events (README)
            // and the Lambda Web Adapter's SnapStart hooks.
            if (path.equals("/api/**")
                    || path.equals("/v1/**")
                    || path.equals("/**")
                    || path.equals("/events")
                    || path.equals(SnapshotHooks.BEFORE_CHECKPOINT_PATH)
                    || path.equals(SnapshotHooks.AFTER_RESTORE_PATH)) {
                continue;
            }
            operations.add(route.method().toLowerCase(Locale.ROOT) + " " + path);
            if (route.method().equals("GET")) {
                operations.add("head " + path);
            }
        }
        return operations;
    }

    @Test
    void everyRouteOfTheTableIsDescribedAndNothingElse() throws Exception {
        var described = new TreeSet<String>();
        spec.path("paths")
                .properties()
                .forEach(path -> path.getValue().properties().forEach(operation -> {
                    if (!operation.getKey().equals("parameters")) {
                        described.add(operation.getKey() + " " + path.getKey());
                    }
                }));
        described.removeIf(operation -> operation.endsWith(" /{file}"));

        assertThat(described).isEqualTo(tableOperations());
        assertThat(spec.path("paths").has("/events")).isFalse();
    }

    @Test
    void theHealthCheckIsDescribed() {
        JsonNode get = spec.at("/paths/~1api~1health/get");
        assertThat(get.path("parameters").get(0).path("name").asText()).isEqualTo("check");
        assertThat(get.path("parameters").get(0).path("in").asText()).isEqualTo("query");
        assertThat(get.at("/parameters/0/schema/enum").toString()).isEqualTo("[\"bedrock\"]");
        assertThat(get.at("/responses/200/content/application~1json/schema/oneOf")
                        .toString())
                .contains("#/components/schemas/Health", "#/components/schemas/BedrockCheck");
        assertThat(spec.at("/components/schemas/BedrockCheck/required").toString())
                .contains("ok", "checkedAt", "cached", "models");
        assertThat(spec.at("/components/schemas/BedrockCheck/properties/models/items/required")
                        .toString())
                .contains("id", "status", "latencyMs");
    }

    @Test
    void everyReasonIsListedAndExplained() {
        var listed = new ArrayList<String>();
        spec.at("/components/schemas/ErrorReason/enum").forEach(reason -> listed.add(reason.asText()));
        String explained =
                spec.at("/components/schemas/ErrorReason/description").asText();

        assertThat(listed)
                .containsExactlyElementsOf(Arrays.stream(ErrorReason.values())
                        .map(ErrorReason::wireName)
                        .toList());
        assertThat(listed).allSatisfy(reason -> assertThat(explained).contains("`" + reason + "`"));
        assertThat(spec.at("/components/schemas/ErrorEnvelope/properties/error/properties/reason/anyOf")
                        .toString())
                .isEqualTo("[{\"$ref\":\"#/components/schemas/ErrorReason\"},"
                        + "{\"$ref\":\"#/components/schemas/UnauthorizedReason\"}]");
    }

    @Test
    void everySignInReasonIsListedAndExplained() {
        var listed = new ArrayList<String>();
        spec.at("/components/schemas/UnauthorizedReason/enum").forEach(reason -> listed.add(reason.asText()));
        String explained =
                spec.at("/components/schemas/UnauthorizedReason/description").asText();

        assertThat(listed)
                .containsExactlyElementsOf(Arrays.stream(AuthReason.values())
                        .map(AuthReason::wireName)
                        .toList());
        assertThat(listed).allSatisfy(reason -> assertThat(explained).contains("`" + reason + "`"));
    }

    @Test
    void bothWaysOfSendingTheTokenAreDescribed() {
        assertThat(spec.at("/components/securitySchemes/chatToken/type").asText())
                .isEqualTo("apiKey");
        assertThat(spec.at("/components/securitySchemes/chatToken/in").asText()).isEqualTo("header");
        assertThat(spec.at("/components/securitySchemes/chatToken/name").asText())
                .isEqualTo("X-Chat-Token");
        assertThat(spec.at("/components/securitySchemes/bearerToken/scheme").asText())
                .isEqualTo("bearer");
        assertThat(spec.at("/security").toString()).isEqualTo("[{},{\"chatToken\":[]},{\"bearerToken\":[]}]");
        assertThat(spec.at("/paths/~1api~1auth~1config/get/security").toString())
                .isEqualTo("[{}]");
        assertThat(spec.at("/paths/~1api~1me/get/responses/401/$ref").asText())
                .isEqualTo("#/components/responses/Unauthorized");
        assertThat(spec.at("/components/schemas/Health/required").toString()).contains("\"auth\"");
    }

    @Test
    void everyErrorCodeIsListedInTheEnvelope() {
        var listed = new ArrayList<String>();
        spec.at("/components/schemas/ErrorEnvelope/properties/error/properties/code/enum")
                .forEach(code -> listed.add(code.asText()));

        assertThat(listed)
                .containsExactlyInAnyOrderElementsOf(
                        Arrays.stream(HttpError.values()).map(HttpError::code).toList());
    }

    @Test
    void everyErrorStatusOfTheChatRouteIsDescribedWithItsCodes() {
        JsonNode responses = spec.at("/paths/~1api~1chat/post/responses");
        for (HttpError code : HttpError.values()) {
            if (code == HttpError.CONFLICT) {
                continue; // creating an API key is the only way to it, described there
            }
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
        assertThat(responses.at("/503/headers/Retry-After").isMissingNode())
                .as("ServerBusy's Retry-After")
                .isFalse();
    }

    @Test
    void theKeyRoutesAndTheOpenAiApiAreDescribed() {
        assertThat(spec.at("/paths/~1api~1keys/post/responses/409/description").asText())
                .contains("`Conflict`");
        assertThat(spec.at("/components/schemas/CreatedApiKey/required").toString())
                .isEqualTo("[\"id\",\"name\",\"key\",\"createdAt\"]");
        assertThat(spec.at("/components/schemas/ApiKey/required").toString())
                .isEqualTo("[\"id\",\"name\",\"prefix\",\"createdAt\",\"lastUsedAt\"]");
        String completions =
                spec.at("/paths/~1v1~1chat~1completions/post/description").asText();
        for (String field : List.of(
                "`model`",
                "`messages`",
                "`max_tokens`",
                "`max_completion_tokens`",
                "`temperature`",
                "`top_p`",
                "`stop`",
                "`stream`",
                "`stream_options.include_usage`",
                "`n`",
                "`user`",
                "data: [DONE]",
                "\"choices\": []")) {
            assertThat(completions).contains(field);
        }
        assertThat(spec.at("/components/schemas/OpenAiError/properties/error/required")
                        .toString())
                .isEqualTo("[\"message\",\"type\",\"param\",\"code\"]");
        assertThat(spec.at("/paths/~1v1~1chat~1completions/post/responses/429/headers/Retry-After")
                        .isMissingNode())
                .isFalse();
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
