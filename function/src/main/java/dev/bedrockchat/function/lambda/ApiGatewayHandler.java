package dev.bedrockchat.function.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.bedrockchat.function.Application;
import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.ApiRequest;
import dev.bedrockchat.function.api.ResponseSink;
import dev.bedrockchat.function.http.ContentTypes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The buffered Lambda entry point ({@code streaming: false}): takes an API Gateway REST API proxy event, routes it
 * through the same {@link Api} as the HTTP server and returns the proxy response in one piece (a streamed chat
 * answer arrives as one complete {@code text/event-stream} body). A console test event such as
 * {@code {"path":"/api/health"}} works too: without {@code httpMethod} the request is a GET.
 *
 * <p>The application (SDK clients included) is built once, when Lambda creates the handler.
 */
public final class ApiGatewayHandler implements RequestStreamHandler {
    private final Api api;
    private final ObjectMapper mapper;

    /** Used by the Lambda runtime: configuration from the environment. */
    public ApiGatewayHandler() {
        this(Application.fromEnvironment().api(), new ObjectMapper());
    }

    public ApiGatewayHandler(Api api, ObjectMapper mapper) {
        this.api = api;
        this.mapper = mapper;
    }

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws IOException {
        JsonNode event = mapper.readTree(input);
        var sink = new BufferedSink();
        if (event == null || !event.isObject()) {
            event = mapper.createObjectNode();
        }
        api.handle(toRequest(event, context), sink);
        mapper.writeValue(output, sink.toProxyResponse(mapper));
    }

    private static ApiRequest toRequest(JsonNode event, Context context) {
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
        byte[] body = new byte[0];
        Optional<String> bodyText = text(event, "body");
        if (bodyText.isPresent()) {
            body = event.path("isBase64Encoded").asBoolean(false)
                    ? Base64.getMimeDecoder().decode(bodyText.get())
                    : bodyText.get().getBytes(StandardCharsets.UTF_8);
        }
        Optional<String> transportId = text(event.path("requestContext"), "requestId")
                .or(() -> context == null ? Optional.empty() : Optional.ofNullable(context.getAwsRequestId()));
        // The header reflects the real body size, so that the API's size limit applies as for HTTP.
        headers.keySet().removeIf(name -> name.equalsIgnoreCase("Content-Length"));
        headers.put("Content-Length", List.of(Integer.toString(body.length)));
        return new ApiRequest(method, path, headers, new ByteArrayInputStream(body), transportId);
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
                    var text = new StringBuilder();
                    if (event != null) {
                        text.append("event: ").append(event).append('\n');
                    }
                    text.append("data: ").append(data).append("\n\n");
                    body.writeBytes(text.toString().getBytes(StandardCharsets.UTF_8));
                }

                @Override
                public void close() {
                }
            };
        }

        ObjectNode toProxyResponse(ObjectMapper mapper) {
            ObjectNode response = mapper.createObjectNode().put("statusCode", status);
            ObjectNode headerNode = response.putObject("headers");
            headers.forEach(headerNode::put);
            String contentType = headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase("Content-Type"))
                    .map(Map.Entry::getValue).findFirst().orElse(ContentTypes.JSON);
            byte[] bytes = body.toByteArray();
            boolean binary = bytes.length > 0 && !ContentTypes.isText(contentType);
            response.put("body", binary ? Base64.getEncoder().encodeToString(bytes)
                    : new String(bytes, StandardCharsets.UTF_8));
            response.put("isBase64Encoded", binary);
            return response;
        }
    }
}
