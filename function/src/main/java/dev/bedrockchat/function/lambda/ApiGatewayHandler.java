package dev.bedrockchat.function.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.ApiRequest;
import dev.bedrockchat.function.api.GatewayContext;
import dev.bedrockchat.function.api.InvocationTimeLimit;
import dev.bedrockchat.function.api.ResponseSink;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.http.ContentTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The buffered Lambda entry point ({@code streaming: false}): takes an API Gateway REST API proxy event, routes it
 * through the same {@link Api} as the HTTP server and returns the proxy response in one piece (a streamed chat
 * answer arrives as one complete {@code text/event-stream} body). A console test event such as
 * {@code {"path":"/api/health"}} works too: without {@code httpMethod} the request is a GET.
 *
 * <p>An event with neither {@code httpMethod} nor {@code path} is not an HTTP request but one of the function's own
 * events (the daily warm-up, {@code {"source":"bedrock-chat.warm-up"}}): it is handed to the API as
 * {@code POST /events} with the event as its body, as the Lambda Web Adapter does with such events.
 *
 * <p>An event that cannot be read (not a JSON object, or a body marked base64 that is not) is answered 400 with the
 * error envelope, like any bad request. When Lambda gives a context, an answer must be complete
 * {@link InvocationTimeLimit#RESPONSE_MARGIN} before the invocation's time runs out (or sooner, by
 * ANSWER_TIMEOUT_SECONDS), so that the turn, its artifact and the response still get out.
 *
 * <p>With API Gateway's Cognito authorizer, the claims it verified come in the event's
 * {@code requestContext.authorizer.claims} and sign the caller in ({@code OIDC_VERIFIER=apigateway}); the function's
 * own events are marked as such, so that the origin check lets them in.
 *
 * <p>The application (SDK clients included) is built once, when Lambda creates the handler.
 */
public final class ApiGatewayHandler implements RequestStreamHandler {
    /** Where the API takes the function's own (non-HTTP) events, as behind the Lambda Web Adapter. */
    private static final String EVENTS_PATH = "/events";

    private static final Pattern WHITESPACE = Pattern.compile("\\s+");

    private final Api api;
    private final ObjectMapper mapper;

    /** Used by the Lambda runtime: configuration from the environment. */
    public ApiGatewayHandler() {
        this(Application.fromEnvironment());
    }

    private ApiGatewayHandler(Application application) {
        this(application.api(), application.mapper());
    }

    public ApiGatewayHandler(Api api, ObjectMapper mapper) {
        this.api = api;
        this.mapper = mapper;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        var sink = new BufferedSink();
        JsonNode event;
        try {
            event = mapper.readTree(input);
        } catch (JsonProcessingException e) {
            event = null;
        }
        if (event == null || !event.isObject()) {
            var unreadable = new ApiRequest(
                    "UNKNOWN",
                    "/",
                    "",
                    Map.of(),
                    InputStream.nullInputStream(),
                    lambdaRequestId(context),
                    Optional.empty(),
                    GatewayContext.NONE);
            api.refuse(
                    unreadable,
                    "The Lambda event is not a JSON object: invoke the function through API Gateway "
                            + "(a REST API proxy event), or test it with an event such as {\"path\":\"/api/health\"}",
                    sink);
        } else if (!event.has("httpMethod") && !event.has("path")) {
            handleOwnEvent(event, context, sink);
        } else {
            handleEvent(event, context, sink);
        }
        mapper.writeValue(output, sink.toProxyResponse(mapper));
    }

    /** A Lambda event that is not an HTTP request: {@code POST /events} with the event as the body. */
    private void handleOwnEvent(JsonNode event, Context context, BufferedSink sink) throws IOException {
        byte[] body = mapper.writeValueAsBytes(event);
        api.handle(
                new ApiRequest(
                        "POST",
                        EVENTS_PATH,
                        "",
                        Map.of(
                                "Content-Type", List.of(ContentTypes.JSON),
                                "Content-Length", List.of(Integer.toString(body.length))),
                        new ByteArrayInputStream(body),
                        lambdaRequestId(context),
                        timeLimit(context),
                        GatewayContext.INVOCATION_EVENT),
                sink);
    }

    private void handleEvent(JsonNode event, Context context, BufferedSink sink) {
        String method = text(event, "httpMethod").orElse("GET").toUpperCase(Locale.ROOT);
        String path = text(event, "path").orElse("/");
        var headers = new LinkedHashMap<String, List<String>>();
        JsonNode multi = event.path("multiValueHeaders");
        if (multi.isObject()) {
            multi.properties().forEach(entry -> {
                var values = new ArrayList<String>();
                entry.getValue().forEach(value -> values.add(value.asText()));
                headers.put(entry.getKey(), values);
            });
        }
        JsonNode single = event.path("headers");
        if (single.isObject()) {
            single.properties().forEach(entry -> {
                if (!entry.getValue().isNull()) {
                    headers.putIfAbsent(entry.getKey(), List.of(entry.getValue().asText()));
                }
            });
        }
        Optional<String> transportId =
                text(event.path("requestContext"), "requestId").or(() -> lambdaRequestId(context));
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Length"));
        byte[] body = new byte[0];
        Optional<String> bodyText = text(event, "body");
        if (bodyText.isPresent()) {
            if (event.path("isBase64Encoded").asBoolean(false)) {
                try {
                    body = Base64.getDecoder()
                            .decode(WHITESPACE.matcher(bodyText.get()).replaceAll(""));
                } catch (IllegalArgumentException e) {
                    api.refuse(
                            new ApiRequest(
                                    method,
                                    path,
                                    "",
                                    headers,
                                    InputStream.nullInputStream(),
                                    transportId,
                                    Optional.empty(),
                                    GatewayContext.NONE),
                            "The event's body is marked isBase64Encoded but is not valid base64",
                            sink);
                    return;
                }
            } else {
                body = bodyText.get().getBytes(StandardCharsets.UTF_8);
            }
        }
        // The header reflects the real body size, so that the API's size limit applies as for HTTP.
        headers.put("Content-Length", List.of(Integer.toString(body.length)));
        api.handle(
                new ApiRequest(
                        method,
                        path,
                        query(event),
                        headers,
                        new ByteArrayInputStream(body),
                        transportId,
                        timeLimit(context),
                        GatewayContext.apiGateway(event.path("requestContext"))),
                sink);
    }

    /**
     * The query string, encoded again from the event's decoded parameters ({@code multiValueQueryStringParameters},
     * else {@code queryStringParameters}); empty for none.
     */
    private static String query(JsonNode event) {
        var pairs = new ArrayList<String>();
        JsonNode multi = event.path("multiValueQueryStringParameters");
        JsonNode single = event.path("queryStringParameters");
        JsonNode parameters = multi.isObject() ? multi : single;
        if (parameters.isObject()) {
            parameters.properties().forEach(entry -> {
                Iterable<JsonNode> values = entry.getValue().isArray() ? entry.getValue() : List.of(entry.getValue());
                for (JsonNode value : values) {
                    if (value.isValueNode() && !value.isNull()) {
                        pairs.add(encode(entry.getKey()) + "=" + encode(value.asText()));
                    }
                }
            });
        }
        return String.join("&", pairs);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private static Optional<String> lambdaRequestId(Context context) {
        return context == null ? Optional.empty() : Optional.ofNullable(context.getAwsRequestId());
    }

    /** The invocation's remaining time less the margin for what follows the answer; none without a context. */
    private static Optional<Deadline> timeLimit(Context context) {
        if (context == null) {
            return Optional.empty();
        }
        return Optional.of(InvocationTimeLimit.forRemaining(Duration.ofMillis(context.getRemainingTimeInMillis())));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }

    /** Collects the answer, events included, into one proxy response. */
    private static final class BufferedSink implements ResponseSink {
        private int status = 500;
        private final Map<String, String> headers = new LinkedHashMap<>();
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();

        @Override
        public void send(int statusCode, Map<String, String> responseHeaders, byte[] content) {
            status = statusCode;
            headers.putAll(responseHeaders);
            body.writeBytes(content);
        }

        @Override
        public EventSink startEvents(Map<String, String> responseHeaders) {
            status = 200;
            headers.putAll(responseHeaders);
            return new EventSink() {
                @Override
                public void send(String event, String data) {
                    body.writeBytes(EventSink.format(event, data));
                }

                @Override
                public void close() {}
            };
        }

        ObjectNode toProxyResponse(ObjectMapper mapper) {
            ObjectNode response = mapper.createObjectNode().put("statusCode", status);
            ObjectNode headerNode = response.putObject("headers");
            headers.forEach(headerNode::put);
            String contentType = headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase("Content-Type"))
                    .map(Map.Entry::getValue)
                    .findFirst()
                    .orElse(ContentTypes.JSON);
            byte[] bytes = body.toByteArray();
            boolean binary = bytes.length > 0 && !ContentTypes.isText(contentType);
            response.put(
                    "body",
                    binary ? Base64.getEncoder().encodeToString(bytes) : new String(bytes, StandardCharsets.UTF_8));
            response.put("isBase64Encoded", binary);
            return response;
        }
    }
}
