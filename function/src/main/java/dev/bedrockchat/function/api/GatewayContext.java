package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What the platform in front of the function vouches for about a request, as only its transport can tell: the proxy
 * event (buffered), or the Lambda Web Adapter's headers (and only behind the adapter, as anywhere else a client could
 * forge them). A local run vouches for nothing.
 *
 * @param invocationEvent  the request is one of the function's own Lambda events (the warm-up), not an HTTP request
 *                         from anyone: it came in the invocation itself, not through API Gateway
 * @param authorizerClaims the claims API Gateway's authorizer verified ({@code requestContext.authorizer.claims})
 * @param sourceIp         the client's address: API Gateway's {@code requestContext.identity.sourceIp}, or where the
 *                         function's own server is reached directly, the connection's remote address; the person a
 *                         quota counts when nobody signs in
 * @param iamUserArn       the caller's IAM ARN, when API Gateway verified the request's AWS Signature Version 4
 *                         ({@code requestContext.identity.userArn}, set only by IAM authorization)
 */
public record GatewayContext(
        boolean invocationEvent,
        Optional<Map<String, String>> authorizerClaims,
        Optional<String> sourceIp,
        Optional<String> iamUserArn) {
    /** Nothing vouched for: a plain HTTP request. */
    public static final GatewayContext NONE =
            new GatewayContext(false, Optional.empty(), Optional.empty(), Optional.empty());

    /** One of the function's own Lambda events. */
    public static final GatewayContext INVOCATION_EVENT =
            new GatewayContext(true, Optional.empty(), Optional.empty(), Optional.empty());

    public GatewayContext {
        Objects.requireNonNull(authorizerClaims, "authorizerClaims");
        Objects.requireNonNull(sourceIp, "sourceIp");
        Objects.requireNonNull(iamUserArn, "iamUserArn");
        authorizerClaims = authorizerClaims.map(Map::copyOf);
    }

    /** A context without a known client address or IAM identity. */
    public GatewayContext(boolean invocationEvent, Optional<Map<String, String>> authorizerClaims) {
        this(invocationEvent, authorizerClaims, Optional.empty(), Optional.empty());
    }

    /** A request API Gateway forwarded, with the claims its authorizer passed (if any). */
    public static GatewayContext apiGateway(Optional<Map<String, String>> authorizerClaims) {
        return new GatewayContext(false, authorizerClaims, Optional.empty(), Optional.empty());
    }

    /** {@code identity.userArn} of an API Gateway request context; empty when the request was not IAM-signed. */
    public static Optional<String> iamUserArn(JsonNode requestContext) {
        JsonNode arn = requestContext.path("identity").path("userArn");
        return arn.isTextual() && arn.asText().startsWith("arn:") ? Optional.of(arn.asText()) : Optional.empty();
    }

    /**
     * A request API Gateway forwarded, with what its request context vouches for: the claims its authorizer passed,
     * the client's address and an IAM identity.
     */
    public static GatewayContext apiGateway(JsonNode requestContext) {
        return new GatewayContext(
                false, authorizerClaims(requestContext), sourceIp(requestContext), iamUserArn(requestContext));
    }

    /** This context with the client's address the transport saw (kept when the platform already named one). */
    public GatewayContext withSourceIp(Optional<String> address) {
        return sourceIp.isPresent() || address.isEmpty()
                ? this
                : new GatewayContext(invocationEvent, authorizerClaims, address, iamUserArn);
    }

    /** {@code identity.sourceIp} of an API Gateway request context, when it is a non-blank string. */
    public static Optional<String> sourceIp(JsonNode requestContext) {
        JsonNode ip = requestContext.path("identity").path("sourceIp");
        return ip.isTextual() && !ip.asText().isBlank()
                ? Optional.of(ip.asText().strip())
                : Optional.empty();
    }

    /**
     * {@code authorizer.claims} of an API Gateway request context: each claim whose value is a string, number or
     * boolean, as text (the REST API passes them as strings); empty when there are none.
     */
    public static Optional<Map<String, String>> authorizerClaims(JsonNode requestContext) {
        JsonNode claims = requestContext.path("authorizer").path("claims");
        if (!claims.isObject()) {
            return Optional.empty();
        }
        var values = new LinkedHashMap<String, String>();
        claims.properties().forEach(claim -> {
            if (claim.getValue().isValueNode() && !claim.getValue().isNull()) {
                values.put(claim.getKey(), claim.getValue().asText());
            }
        });
        return values.isEmpty() ? Optional.empty() : Optional.of(values);
    }
}
