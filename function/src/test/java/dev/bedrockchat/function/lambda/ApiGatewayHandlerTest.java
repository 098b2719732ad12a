package dev.bedrockchat.function.lambda;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.Config;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.api.InvocationTimeLimit;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** API Gateway REST proxy events in, proxy responses out, through the same API as the HTTP server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiGatewayHandlerTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private BedrockRuntimeStub stub;
    private Application application;
    private ApiGatewayHandler handler;
    private final ByteArrayOutputStream logs = new ByteArrayOutputStream();

    @BeforeAll
    void start() throws Exception {
        stub = BedrockRuntimeStub.start();
        Path data = Files.createTempDirectory("lambda-data");
        Path site = Files.createDirectories(data.resolve("site"));
        Files.write(site.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2});
        Config config = Config.from(
                Map.of(
                        "CHAT_MODE", "bedrock",
                        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", stub.endpoint().toString(),
                        "CHAT_DATA_DIR", data.toString(),
                        "STATIC_DIR", site.toString(),
                        "AUTH_TOKEN", "lambda-token"),
                new Properties(),
                data);
        application = Application.builder(config)
                .credentialsProvider(TestApp.FAKE_CREDENTIALS)
                .logTo(new PrintStream(logs, true, StandardCharsets.UTF_8))
                .build();
        handler = new ApiGatewayHandler(application.api(), mapper);
    }

    @AfterAll
    void stop() {
        application.close();
        stub.close();
    }

    private JsonNode invoke(String event) throws Exception {
        return invoke(event, null);
    }

    private JsonNode invoke(String event, Context context) throws Exception {
        var out = new ByteArrayOutputStream();
        handler.handleRequest(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)), out, context);
        return mapper.readTree(out.toByteArray());
    }

    /** The invocation's context as Lambda gives it: an id and the time left. */
    private record LambdaContext(String awsRequestId, Duration remaining) implements Context {
        @Override
        public String getAwsRequestId() {
            return awsRequestId;
        }

        @Override
        public int getRemainingTimeInMillis() {
            return (int) remaining.toMillis();
        }

        @Override
        public String getLogGroupName() {
            return "/aws/lambda/chat";
        }

        @Override
        public String getLogStreamName() {
            return "2025/01/01/[$LATEST]0123456789abcdef";
        }

        @Override
        public String getFunctionName() {
            return "chat";
        }

        @Override
        public String getFunctionVersion() {
            return "$LATEST";
        }

        @Override
        public String getInvokedFunctionArn() {
            return "arn:aws:lambda:us-east-1:123456789012:function:chat";
        }

        @Override
        public CognitoIdentity getIdentity() {
            return null;
        }

        @Override
        public ClientContext getClientContext() {
            return null;
        }

        @Override
        public int getMemoryLimitInMB() {
            return 1024;
        }

        @Override
        public LambdaLogger getLogger() {
            return null;
        }
    }

    @Test
    void anEventThatIsNotJsonIsABadRequestWithTheEnvelopeAndTheLambdaRequestId() throws Exception {
        for (String event : List.of("{\"path\":\"/api/chat\",", "not json at all", "[1,2,3]", "\"text\"", "")) {
            JsonNode response = invoke(event, new LambdaContext("lambda-invocation-0001", Duration.ofMinutes(1)));

            assertThat(response.path("statusCode").asInt()).as(event).isEqualTo(400);
            assertThat(response.path("headers").path("x-request-id").asText()).isEqualTo("lambda-invocation-0001");
            assertThat(response.path("headers").path("Content-Type").asText()).startsWith("application/json");
            JsonNode error = mapper.readTree(response.path("body").asText()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("ValidationError");
            assertThat(error.path("message").asText())
                    .contains("not a JSON object")
                    .doesNotContain("Exception");
            assertThat(error.path("requestId").asText()).isEqualTo("lambda-invocation-0001");
        }
    }

    @Test
    void aBodyMarkedBase64ThatIsNotIsABadRequest() throws Exception {
        JsonNode response = invoke("{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\",\"Authorization\":\"Bearer lambda-token\"},\"body\":\"{not base64}!\","
                + "\"isBase64Encoded\":true,\"requestContext\":{\"requestId\":\"bad-base64-000001\"}}");

        assertThat(response.path("statusCode").asInt()).isEqualTo(400);
        assertThat(response.path("headers").path("x-request-id").asText()).isEqualTo("bad-base64-000001");
        assertThat(response.path("headers").path("Content-Security-Policy").asText())
                .startsWith("default-src 'self'");
        JsonNode error = mapper.readTree(response.path("body").asText()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("ValidationError");
        assertThat(error.path("message").asText()).contains("base64");
        assertThat(error.path("requestId").asText()).isEqualTo("bad-base64-000001");
    }

    @Test
    void anAnswerEndsBeforeTheInvocationRunsOutOfTime() throws Exception {
        // Two seconds left for the answer once the margin is kept back; the slow answer would take nine.
        var context =
                new LambdaContext("lambda-short-0001", InvocationTimeLimit.RESPONSE_MARGIN.plus(Duration.ofSeconds(2)));
        long start = System.nanoTime();

        JsonNode response = invoke(
                "{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                        + "\"application/json\",\"Accept\":\"text/event-stream\",\"Authorization\":\"Bearer lambda-token\"},"
                        + "\"body\":\"{\\\"message\\\":\\\"[slow] in Lambda\\\"}\"}",
                context);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(8));
        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("headers").path("x-request-id").asText()).isEqualTo("lambda-short-0001");
        List<Sse.Event> events = Sse.parse(response.path("body").asText());
        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events)
                .filteredOn(e -> e.name().equals("message") && !e.data().equals("[DONE]"))
                .isNotEmpty();
        Sse.Event error = events.get(events.size() - 2);
        assertThat(error.name()).isEqualTo("error");
        assertThat(mapper.readTree(error.data()).path("error").path("code").asText())
                .isEqualTo("ModelTimeout");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
    }

    @Test
    void anInvocationWithTimeToSpareAnswersInFull() throws Exception {
        JsonNode response = invoke(
                "{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                        + "\"application/json\",\"Authorization\":\"Bearer lambda-token\"},"
                        + "\"body\":\"{\\\"message\\\":\\\"plenty of time\\\"}\"}",
                new LambdaContext("lambda-long-00001", Duration.ofMinutes(5)));

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(mapper.readTree(response.path("body").asText()).path("reply").asText())
                .isEqualTo("Stub reply to: plenty of time");
    }

    /** The log lines written so far. */
    private List<JsonNode> logLines() throws Exception {
        var lines = new java.util.ArrayList<JsonNode>();
        String text;
        synchronized (logs) {
            text = logs.toString(StandardCharsets.UTF_8);
        }
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                lines.add(mapper.readTree(line));
            }
        }
        return lines;
    }

    @Test
    void headOfHealthIs200WithTheLengthOfTheGetBodyAndNoBody() throws Exception {
        JsonNode get = invoke("{\"path\":\"/api/health\",\"httpMethod\":\"GET\"}");
        JsonNode head = invoke("{\"path\":\"/api/health\",\"httpMethod\":\"HEAD\"}");

        assertThat(head.path("statusCode").asInt()).isEqualTo(200);
        assertThat(head.path("body").asText()).isEmpty();
        assertThat(head.path("headers").path("Content-Length").asText())
                .isEqualTo(Integer.toString(get.path("body").asText().getBytes(StandardCharsets.UTF_8).length));
        assertThat(head.path("headers").path("Content-Type").asText()).isEqualTo("application/json; charset=utf-8");
        assertThat(head.path("headers").path("x-request-id").asText()).isNotBlank();
    }

    @Test
    void theQueryStringOfTheEventReachesTheApi() throws Exception {
        JsonNode unknownCheck = invoke("{\"path\":\"/api/health\",\"httpMethod\":\"GET\","
                + "\"queryStringParameters\":{\"check\":\"s3 & more\"},"
                + "\"multiValueQueryStringParameters\":{\"check\":[\"s3 & more\"]}}");
        assertThat(unknownCheck.path("statusCode").asInt()).isEqualTo(400);
        assertThat(mapper.readTree(unknownCheck.path("body").asText())
                        .path("error")
                        .path("message")
                        .asText())
                .contains("check must be 'bedrock'");

        stub.clear();
        JsonNode check = invoke("{\"path\":\"/api/health\",\"httpMethod\":\"GET\","
                + "\"queryStringParameters\":{\"check\":\"bedrock\"}}");
        assertThat(check.path("statusCode").asInt()).isEqualTo(200);
        JsonNode body = mapper.readTree(check.path("body").asText());
        assertThat(body.path("check").asText()).isEqualTo("bedrock");
        assertThat(body.path("ok").asBoolean()).isTrue();
        assertThat(stub.requests()).hasSize(1);
    }

    @Test
    void theWarmUpEventIsAnsweredAtOnceAndLogsOneWarmUpLine() throws Exception {
        stub.clear();
        JsonNode response = invoke(
                "{\"source\":\"bedrock-chat.warm-up\"}",
                new LambdaContext("warm-up-invocation-01", Duration.ofMinutes(1)));

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("headers").path("x-request-id").asText()).isEqualTo("warm-up-invocation-01");
        JsonNode body = mapper.readTree(response.path("body").asText());
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("warmUp").asBoolean()).isTrue();
        assertThat(body.path("mode").asText()).isEqualTo("bedrock");
        assertThat(stub.requests()).isEmpty();
        List<JsonNode> lines = logLines().stream()
                .filter(line -> line.path("requestId").asText().equals("warm-up-invocation-01"))
                .toList();
        assertThat(lines).hasSize(1);
        assertThat(lines.getFirst().path("type").asText()).isEqualTo("warm_up");
        assertThat(lines.getFirst().path("route").asText()).isEqualTo("/events");
        assertThat(lines.getFirst().path("status").asInt()).isEqualTo(200);
    }

    @Test
    void anyOtherEventThatIsNoHttpRequestIsABadRequest() throws Exception {
        for (String event : List.of(
                "{}",
                "{\"source\":\"aws.events\",\"detail-type\":\"Scheduled Event\",\"detail\":{}}",
                "{\"Records\":[{\"eventSource\":\"aws:s3\"}]}")) {
            JsonNode response = invoke(event, new LambdaContext("other-event-00001", Duration.ofMinutes(1)));

            assertThat(response.path("statusCode").asInt()).as(event).isEqualTo(400);
            JsonNode error = mapper.readTree(response.path("body").asText()).path("error");
            assertThat(error.path("code").asText()).isEqualTo("ValidationError");
            assertThat(error.path("message").asText()).contains("bedrock-chat.warm-up");
            assertThat(error.path("requestId").asText()).isEqualTo("other-event-00001");
        }
    }

    @Test
    void aClientRequestIdInTheEventDoesNotChooseTheId() throws Exception {
        JsonNode response = invoke("{\"path\":\"/api/health\",\"httpMethod\":\"GET\","
                + "\"headers\":{\"x-request-id\":\"client-chosen-0003\"},"
                + "\"requestContext\":{\"requestId\":\"b5c6d7e8-5555-4666-8777-d88899990000\"}}");

        assertThat(response.path("headers").path("x-request-id").asText())
                .isEqualTo("b5c6d7e8-5555-4666-8777-d88899990000");
        JsonNode line = logLines().stream()
                .filter(l -> l.path("requestId").asText().equals("b5c6d7e8-5555-4666-8777-d88899990000"))
                .findFirst()
                .orElseThrow();
        assertThat(line.path("clientRequestId").asText()).isEqualTo("client-chosen-0003");
    }

    @Test
    void theConsoleTestEventGetsTheHealth() throws Exception {
        JsonNode response = invoke("{\"path\":\"/api/health\"}");

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("isBase64Encoded").asBoolean()).isFalse();
        assertThat(response.path("headers").path("Content-Type").asText()).isEqualTo("application/json; charset=utf-8");
        assertThat(response.path("headers").path("x-request-id").asText()).isNotBlank();
        JsonNode body = mapper.readTree(response.path("body").asText());
        assertThat(body.path("status").asText()).isEqualTo("ok");
        assertThat(body.path("mode").asText()).isEqualTo("bedrock");
    }

    @Test
    void aProxyEventForChatGetsTheWholeAnswer() throws Exception {
        JsonNode response = invoke("""
                {"resource":"/{proxy+}","path":"/api/chat","httpMethod":"POST",
                 "headers":{"content-type":"application/json","Authorization":"Bearer lambda-token"},
                 "multiValueHeaders":{"content-type":["application/json"],"Authorization":["Bearer lambda-token"]},
                 "queryStringParameters":null,"pathParameters":{"proxy":"api/chat"},
                 "requestContext":{"requestId":"c6af9ac6-7b61-11e6-9a41-93e8deadbeef","stage":"prod"},
                 "body":"{\\"message\\":\\"Hello Lambda\\"}","isBase64Encoded":false}
                """);

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("headers").path("x-request-id").asText())
                .isEqualTo("c6af9ac6-7b61-11e6-9a41-93e8deadbeef");
        JsonNode body = mapper.readTree(response.path("body").asText());
        assertThat(body.path("reply").asText()).isEqualTo("Stub reply to: Hello Lambda");
        assertThat(stub.lastRequest().operation()).isEqualTo("converse");
    }

    @Test
    void aBase64BodyIsDecoded() throws Exception {
        String encoded =
                Base64.getEncoder().encodeToString("{\"message\":\"Encoded hello\"}".getBytes(StandardCharsets.UTF_8));
        JsonNode response = invoke("{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\",\"authorization\":\"Bearer lambda-token\"},\"body\":\"" + encoded
                + "\",\"isBase64Encoded\":true}");

        assertThat(mapper.readTree(response.path("body").asText()).path("reply").asText())
                .isEqualTo("Stub reply to: Encoded hello");
    }

    @Test
    void aStreamRequestGetsTheCompleteEventStreamInOneBody() throws Exception {
        JsonNode response = invoke("{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\",\"Accept\":\"text/event-stream\",\"Authorization\":\"Bearer lambda-token\"},"
                + "\"body\":\"{\\\"message\\\":\\\"Stream me\\\"}\"}");

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("headers").path("Content-Type").asText()).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.parse(response.path("body").asText());
        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events.get(events.size() - 2).name()).isEqualTo("done");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
    }

    private JsonNode invokeStream(String message) throws Exception {
        return invoke("{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\",\"Accept\":\"text/event-stream\",\"Authorization\":\"Bearer lambda-token\"},"
                + "\"body\":\"{\\\"message\\\":\\\"" + message + "\\\"}\"}");
    }

    @Test
    void aStreamRequestThatFailsBeforeTheModelAnswersGetsTheErrorStatusAndEnvelope() throws Exception {
        JsonNode response = invokeStream("[throttle] stream");

        assertThat(response.path("statusCode").asInt()).isEqualTo(429);
        assertThat(response.path("headers").path("Content-Type").asText()).startsWith("application/json");
        JsonNode error = mapper.readTree(response.path("body").asText()).path("error");
        assertThat(error.path("code").asText()).isEqualTo("Throttled");
        assertThat(response.path("headers").path("Retry-After").asText())
                .isEqualTo(error.path("retryAfterSeconds").asText())
                .isNotBlank();
    }

    @Test
    void aStreamRequestThatFailsMidAnswerGetsTheEventsUpToTheErrorEvent() throws Exception {
        JsonNode response = invokeStream("[midstream] stream");

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("headers").path("Content-Type").asText()).startsWith("text/event-stream");
        List<Sse.Event> events = Sse.parse(response.path("body").asText());
        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events.get(events.size() - 2).name()).isEqualTo("error");
        assertThat(mapper.readTree(events.get(events.size() - 2).data())
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("ModelError");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
    }

    @Test
    void errorsAreProxyResponsesWithTheEnvelope() throws Exception {
        JsonNode unauthorized = invoke("{\"path\":\"/api/models\",\"httpMethod\":\"GET\"}");
        assertThat(unauthorized.path("statusCode").asInt()).isEqualTo(401);
        assertThat(unauthorized.path("headers").path("WWW-Authenticate").asText())
                .startsWith("Bearer");

        JsonNode notFound = invoke("{\"path\":\"/api/nothing\",\"httpMethod\":\"GET\",\"headers\":"
                + "{\"Authorization\":\"Bearer lambda-token\"}}");
        assertThat(notFound.path("statusCode").asInt()).isEqualTo(404);
        assertThat(mapper.readTree(notFound.path("body").asText())
                        .path("error")
                        .path("code")
                        .asText())
                .isEqualTo("NotFound");

        String big = "x".repeat(300 * 1024);
        JsonNode tooLarge = invoke("{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                + "\"application/json\",\"Authorization\":\"Bearer lambda-token\",\"Content-Length\":\"5\"},"
                + "\"body\":\"" + big + "\"}");
        assertThat(tooLarge.path("statusCode").asInt()).isEqualTo(413);

        JsonNode denied = invoke(
                "{\"path\":\"/api/chat\",\"httpMethod\":\"POST\",\"headers\":{\"Content-Type\":"
                        + "\"application/json\",\"Authorization\":\"Bearer lambda-token\"},\"body\":\"{\\\"message\\\":\\\"[denied]\\\"}\"}");
        assertThat(denied.path("statusCode").asInt()).isEqualTo(502);
    }

    @Test
    void aMalformedOrTraversingConversationIdIsAValidationError() throws Exception {
        for (String path : List.of(
                "/api/conversations/%ZZ", "/api/conversations/..%2F..%2Fetc%2Fpasswd", "/api/conversations/%2e%2e")) {
            JsonNode response = invoke("{\"path\":\"" + path + "\",\"httpMethod\":\"GET\",\"headers\":"
                    + "{\"Authorization\":\"Bearer lambda-token\"}}");
            assertThat(response.path("statusCode").asInt()).as(path).isEqualTo(400);
            assertThat(mapper.readTree(response.path("body").asText())
                            .path("error")
                            .path("code")
                            .asText())
                    .isEqualTo("ValidationError");
        }
    }

    @Test
    void binaryFilesAreBase64Encoded() throws Exception {
        JsonNode response = invoke("{\"path\":\"/logo.png\",\"httpMethod\":\"GET\"}");

        assertThat(response.path("statusCode").asInt()).isEqualTo(200);
        assertThat(response.path("isBase64Encoded").asBoolean()).isTrue();
        assertThat(Base64.getDecoder().decode(response.path("body").asText()))
                .containsExactly((byte) 0x89, 'P', 'N', 'G', 0, 1, 2);
        assertThat(response.path("headers").path("Content-Security-Policy").asText())
                .startsWith("default-src 'self'");
    }
}
