package dev.bedrockchat.function.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.GatewayContext;
import dev.bedrockchat.function.api.InvocationTimeLimit;
import dev.bedrockchat.function.chat.Deadline;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What the Lambda Web Adapter tells about the invocation behind a request, in two headers it sets on every request
 * it forwards: {@code x-amzn-request-context} (API Gateway's request context as JSON; {@code requestId} is API
 * Gateway's {@code $context.requestId}) and {@code x-amzn-lambda-context} (the Lambda context as JSON:
 * {@code request_id}, {@code deadline} in Unix epoch milliseconds, …). The adapter (1.0.0 and later) replaces any
 * value a client sent, so behind it they can be trusted; the server reads them only there.
 *
 * <p>A value that is not what the adapter sends (not JSON, no such field, a field of the wrong type, a deadline that
 * no invocation has) is ignored: the request then gets a new id and no limit, never an error.
 *
 * <p>The request context also carries what API Gateway's authorizer verified ({@code authorizer.claims}: a person's
 * claims, with the Cognito authorizer), and a request without any request context is not one API Gateway sent: it
 * is one of the function's own Lambda events, which the adapter posts to its pass-through path.
 *
 * @param requestId API Gateway's request id; for an event that did not come through API Gateway (the warm-up), the
 *                  Lambda request id
 * @param timeLimit the invocation's deadline less the response margin
 * @param gateway   the authorizer's claims, or that the request is one of the function's own events
 */
record WebAdapterContext(Optional<String> requestId, Optional<Deadline> timeLimit, GatewayContext gateway) {
    /** No context: a request that did not come through the adapter, whose word the server does not take. */
    static final WebAdapterContext NONE =
            new WebAdapterContext(Optional.empty(), Optional.empty(), GatewayContext.NONE);

    static final String REQUEST_CONTEXT = "x-amzn-request-context";
    static final String LAMBDA_CONTEXT = "x-amzn-lambda-context";

    /** Lambda's longest invocation, with a minute to spare: a deadline further away than this is not a real one. */
    private static final Duration LONGEST_INVOCATION = Duration.ofMinutes(16);

    static WebAdapterContext from(
            Optional<String> requestContext,
            Optional<String> lambdaContext,
            ObjectMapper mapper,
            LongSupplier nowMillis) {
        Optional<JsonNode> request = requestContext.flatMap(text -> parse(text, mapper));
        Optional<JsonNode> lambda = lambdaContext.flatMap(text -> parse(text, mapper));
        Optional<String> apiGatewayId = request.flatMap(node -> text(node, "requestId"));
        Optional<String> lambdaId = lambda.flatMap(node -> text(node, "request_id"));
        Optional<Deadline> limit = lambda.flatMap(node -> deadline(node, nowMillis.getAsLong()));
        GatewayContext gateway = requestContext.isEmpty()
                ? GatewayContext.INVOCATION_EVENT
                : request.map(GatewayContext::apiGateway).orElseGet(() -> GatewayContext.apiGateway(Optional.empty()));
        return new WebAdapterContext(apiGatewayId.or(() -> lambdaId), limit, gateway);
    }

    private static Optional<Deadline> deadline(JsonNode lambda, long nowMillis) {
        JsonNode deadline = lambda.path("deadline");
        if (!deadline.isIntegralNumber() || !deadline.canConvertToLong()) {
            return Optional.empty();
        }
        long remaining = deadline.asLong() - nowMillis;
        if (Math.abs(remaining) > LONGEST_INVOCATION.toMillis()) {
            return Optional.empty();
        }
        return Optional.of(InvocationTimeLimit.forRemaining(Duration.ofMillis(remaining)));
    }

    private static Optional<JsonNode> parse(String text, ObjectMapper mapper) {
        try {
            JsonNode node = mapper.readTree(text);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isBlank() ? Optional.of(value.asText()) : Optional.empty();
    }
}
