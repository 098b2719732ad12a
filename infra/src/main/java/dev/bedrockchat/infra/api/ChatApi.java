package dev.bedrockchat.infra.api;

import dev.bedrockchat.infra.config.EnvironmentConfig.ApiThrottle;
import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.support.Ordered;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.apigateway.AccessLogField;
import software.amazon.awscdk.services.apigateway.AccessLogFormat;
import software.amazon.awscdk.services.apigateway.AuthorizationType;
import software.amazon.awscdk.services.apigateway.CognitoUserPoolsAuthorizer;
import software.amazon.awscdk.services.apigateway.EndpointType;
import software.amazon.awscdk.services.apigateway.GatewayResponseOptions;
import software.amazon.awscdk.services.apigateway.LambdaIntegration;
import software.amazon.awscdk.services.apigateway.LogGroupLogDestination;
import software.amazon.awscdk.services.apigateway.Method;
import software.amazon.awscdk.services.apigateway.MethodLoggingLevel;
import software.amazon.awscdk.services.apigateway.MethodOptions;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.Resource;
import software.amazon.awscdk.services.apigateway.ResponseTransferMode;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The regional REST API in front of the chat function: {@code GET|HEAD /api/health} and {@code ANY /api/{proxy+}},
 * both Lambda proxy integrations of the function's alias. With streaming the integration uses response transfer mode STREAM, so tokens reach the
 * browser as the model produces them and an answer may run as long as the function (up to 15 minutes); buffered, it
 * answers within API Gateway's 29-second integration limit.
 *
 * <p>In oidc mode a Cognito user pools authorizer guards every method but the health check: it verifies the ID token
 * the page sends in {@value #IDENTITY_HEADER} (the raw token: CloudFront with caching disabled cannot forward
 * {@code Authorization} into a cache key) and passes its claims to the function; a request without a valid token never
 * reaches the function. In token and none modes the function itself decides.
 *
 * <p>The stage throttles every method, writes JSON access logs, logs errors and traces with X-Ray. Logging needs the
 * account's API Gateway CloudWatch role: the {@link ApiGatewayAccount} of this stack when given, else the one the
 * account already has.
 */
public final class ChatApi extends Construct {
    /** The header the page sends its token in, in every mode. */
    public static final String IDENTITY_HEADER = "X-Chat-Token";
    /** What the API's own 401s say the client may present. */
    public static final String WWW_AUTHENTICATE = "Bearer realm=\"bedrock-chat\"";

    private final RestApi restApi;

    /**
     * @param environmentName        the environment: the stage's name, and in the API's names
     * @param throttle               the stage's throttling
     * @param streaming              whether answers are streamed (STREAM integration) or buffered
     * @param functionTimeoutSeconds the function's timeout, which bounds the integration's
     * @param accessLogRetention     how long access logs are kept, and whether they survive the stack
     * @param accountSettings        the account's API Gateway CloudWatch role when this stack sets it; empty when the
     *                               account already has it
     * @param handler                what the API invokes: the function's alias
     * @param authMode               how callers are told apart
     * @param userPool               the pool whose ID tokens the authorizer accepts (oidc mode)
     * @param edgeWebAcl             whether an AWS WAF web ACL guards the CloudFront distribution in front
     */
    public record Props(
            String environmentName,
            ApiThrottle throttle,
            boolean streaming,
            int functionTimeoutSeconds,
            Retention accessLogRetention,
            Optional<ApiGatewayAccount> accountSettings,
            IFunction handler,
            AuthMode authMode,
            Optional<IUserPool> userPool,
            boolean edgeWebAcl) {
        public Props {
            if (userPool.isPresent() != (authMode == AuthMode.OIDC)) {
                throw new IllegalArgumentException("a user pool goes with the oidc mode alone");
            }
        }
    }

    public ChatApi(Construct scope, String id, Props props) {
        super(scope, id);
        String name = props.environmentName();
        boolean streaming = props.streaming();

        LogGroup accessLogs = props.accessLogRetention().logGroup(this, "AccessLogs");

        restApi = RestApi.Builder.create(this, "RestApi")
                .restApiName("chat-" + name)
                .description("Bedrock chat API (" + name + ")")
                .endpointTypes(List.of(EndpointType.REGIONAL))
                // The account's CloudWatch role is set by ApiGatewayAccount (or already set), never by the API.
                .cloudWatchRole(false)
                .deployOptions(StageOptions.builder()
                        .stageName(name)
                        .throttlingRateLimit(props.throttle().ratePerSecond())
                        .throttlingBurstLimit(props.throttle().burst())
                        .accessLogDestination(new LogGroupLogDestination(accessLogs))
                        .accessLogFormat(accessLogFormat())
                        .loggingLevel(MethodLoggingLevel.ERROR)
                        .dataTraceEnabled(false)
                        .metricsEnabled(true)
                        .tracingEnabled(true)
                        .build())
                .build();
        props.accountSettings().ifPresent(settings -> {
            // The account setting needs an API Gateway resource of the account first (CloudFormation docs), and
            // a stage that logs needs the setting.
            settings.account().getNode().addDependency(restApi.getNode().getDefaultChild());
            restApi.getDeploymentStage().getNode().addDependency(settings.account());
        });

        LambdaIntegration integration = LambdaIntegration.Builder.create(props.handler())
                .proxy(true)
                .responseTransferMode(streaming ? ResponseTransferMode.STREAM : ResponseTransferMode.BUFFERED)
                .timeout(Duration.seconds(ServiceLimits.requestLimitSeconds(streaming, props.functionTimeoutSeconds())))
                .allowTestInvoke(false)
                .build();

        Resource api = restApi.getRoot().addResource("api");
        // Open on purpose: smoke tests and the Lambda Web Adapter's readiness need it, and it holds no data.
        Resource health = api.addResource("health");
        MethodOptions open = MethodOptions.builder()
                .authorizationType(AuthorizationType.NONE)
                .build();
        List<Method> healthMethods =
                List.of(health.addMethod("GET", integration, open), health.addMethod("HEAD", integration, open));

        MethodOptions.Builder proxyOptions = MethodOptions.builder()
                .requestParameters(Ordered.map("method.request.path.proxy", true))
                .requestValidatorOptions(RequestValidatorOptions.builder()
                        .requestValidatorName("chat-" + name + "-path")
                        .validateRequestParameters(true)
                        .validateRequestBody(false)
                        .build());
        props.userPool()
                .ifPresent(pool -> proxyOptions
                        .authorizationType(AuthorizationType.COGNITO)
                        .authorizer(CognitoUserPoolsAuthorizer.Builder.create(this, "Authorizer")
                                .authorizerName("chat-" + name + "-cognito")
                                .cognitoUserPools(List.of(pool))
                                .identitySource("method.request.header." + IDENTITY_HEADER)
                                .resultsCacheTtl(Duration.minutes(5))
                                .build()));
        Method proxyMethod = api.addResource("{proxy+}").addMethod("ANY", integration, proxyOptions.build());

        addErrorResponses();

        Acknowledge.rule(
                restApi,
                "AwsSolutions-APIG2",
                "API Gateway validates the required path parameter; request bodies are validated by the function,"
                        + " which answers with the API's error envelope and the exact rule that failed");
        for (Method method : healthMethods) {
            String reason = "The health check is open on purpose (smoke tests, the Lambda Web Adapter's readiness"
                    + " check): it answers the service's status and holds no data; every other method "
                    + (props.authMode() == AuthMode.OIDC
                            ? "has the Cognito authorizer"
                            : "is checked by the function (auth.mode "
                                    + props.authMode().value() + ")");
            Acknowledge.rule(method, "AwsSolutions-APIG4", reason);
            Acknowledge.rule(method, "AwsSolutions-COG4", reason);
        }
        switch (props.authMode()) {
            case TOKEN -> {
                String reason = "auth.mode token: the function requires the shared token (generated in Secrets"
                        + " Manager) on every route but the health check, and the origin secret of CloudFront;"
                        + " per-person sign-in is auth.mode oidc";
                Acknowledge.rule(proxyMethod, "AwsSolutions-APIG4", reason);
                Acknowledge.rule(proxyMethod, "AwsSolutions-COG4", reason);
            }
            case NONE -> {
                String reason = "auth.mode none, refused for production environments: anyone with the page may chat"
                        + " here; the function still requires CloudFront's origin secret and the stage throttles";
                Acknowledge.rule(proxyMethod, "AwsSolutions-APIG4", reason);
                Acknowledge.rule(proxyMethod, "AwsSolutions-COG4", reason);
            }
            case OIDC -> {
                // The Cognito authorizer answers both rules.
            }
        }
        Acknowledge.rule(
                restApi.getDeploymentStage(),
                "AwsSolutions-APIG3",
                props.edgeWebAcl()
                        ? "The AWS WAF web ACL guards the CloudFront distribution, the only way in: the function"
                                + " refuses requests without CloudFront's origin secret, and the stage throttles"
                        : "No AWS WAF web ACL in this environment (waf.enabled is false): stage throttling bounds the"
                                + " request rate, CloudFront absorbs layer 3/4 attacks, and the function refuses"
                                + " requests without CloudFront's origin secret");
    }

    /** API Gateway's own errors in the API's error envelope, so the page handles every error the same way. */
    private void addErrorResponses() {
        // The authorizer's refusals: no token, an expired one, or one it could not verify.
        errorResponse(
                ResponseType.UNAUTHORIZED,
                "401",
                "Unauthorized",
                "\"invalid_token\"",
                "\"Sign in again: the sign-in token is missing, expired or not valid\"",
                Ordered.map("WWW-Authenticate", "'" + WWW_AUTHENTICATE + "'"));
        errorResponse(
                ResponseType.ACCESS_DENIED,
                "403",
                "Forbidden",
                null,
                "\"This sign-in may not use the chat\"",
                Ordered.map());
        errorResponse(
                ResponseType.THROTTLED,
                "429",
                "Throttled",
                "\"Too many requests: wait a moment and try again\"",
                Ordered.map("Retry-After", "'1'"));
        errorResponse(
                ResponseType.REQUEST_TOO_LARGE,
                "413",
                "PayloadTooLarge",
                "\"The request is too large: send a shorter message\"",
                Ordered.map());
        errorResponse(
                ResponseType.MISSING_AUTHENTICATION_TOKEN,
                "404",
                "NotFound",
                "\"No such API path: check the URL\"",
                Ordered.map());
        errorResponse(
                ResponseType.INTEGRATION_TIMEOUT,
                "504",
                "ModelTimeout",
                "\"The answer took too long: try again, perhaps asking for a shorter answer\"",
                Ordered.map());
        errorResponse(
                ResponseType.DEFAULT_4_XX, null, "ValidationError", "$context.error.messageString", Ordered.map());
        errorResponse(
                ResponseType.DEFAULT_5_XX,
                null,
                "InternalError",
                "\"The service failed: try again in a moment\"",
                Ordered.map());
    }

    private void errorResponse(
            ResponseType type, String status, String code, String messageJson, Map<String, String> headers) {
        errorResponse(type, status, code, null, messageJson, headers);
    }

    private void errorResponse(
            ResponseType type,
            String status,
            String code,
            String reasonJson,
            String messageJson,
            Map<String, String> headers) {
        String reason = reasonJson == null ? "" : ",\"reason\":" + reasonJson;
        GatewayResponseOptions.Builder response = GatewayResponseOptions.builder()
                .type(type)
                .templates(Ordered.map(
                        "application/json",
                        "{\"error\":{\"code\":\"" + code + "\"" + reason + ",\"message\":" + messageJson
                                + ",\"requestId\":\"$context.requestId\"}}"))
                .responseHeaders(headers);
        if (status != null) {
            response.statusCode(status);
        }
        // Named by the code: ResponseType's toString is an identity hash, which renamed the resource at every change.
        restApi.addGatewayResponse(code, response.build());
    }

    private static AccessLogFormat accessLogFormat() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("requestId", AccessLogField.contextRequestId());
        fields.put("extendedRequestId", AccessLogField.contextExtendedRequestId());
        fields.put("requestTime", AccessLogField.contextRequestTime());
        fields.put("ip", AccessLogField.contextIdentitySourceIp());
        fields.put("userAgent", AccessLogField.contextIdentityUserAgent());
        fields.put("httpMethod", AccessLogField.contextHttpMethod());
        fields.put("path", AccessLogField.contextPath());
        fields.put("protocol", AccessLogField.contextProtocol());
        fields.put("status", AccessLogField.contextStatus());
        fields.put("responseLength", AccessLogField.contextResponseLength());
        fields.put("responseLatency", AccessLogField.contextResponseLatency());
        fields.put("integrationLatency", AccessLogField.contextIntegrationLatency());
        fields.put("integrationStatus", AccessLogField.contextIntegrationStatus());
        fields.put("integrationError", AccessLogField.contextIntegrationErrorMessage());
        fields.put("xrayTraceId", AccessLogField.contextXrayTraceId());
        String json = fields.entrySet().stream()
                .map(field -> "\"" + field.getKey() + "\":\"" + field.getValue() + "\"")
                .collect(Collectors.joining(","));
        // $context.error.messageString comes quoted and escaped by API Gateway.
        return AccessLogFormat.custom("{" + json + ",\"error\":" + AccessLogField.contextErrorMessageString() + "}");
    }

    public RestApi restApi() {
        return restApi;
    }
}
