package dev.bedrockchat.infra.api;

import dev.bedrockchat.infra.config.EnvironmentConfig.ApiThrottle;
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
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The regional REST API in front of the chat function: {@code ANY /api/{proxy+}} as a Lambda proxy integration to
 * the function's alias. With streaming the integration uses response transfer mode STREAM, so tokens reach the
 * browser as the model produces them and an answer may run as long as the function (up to 15 minutes); buffered, it
 * answers within API Gateway's 29-second integration limit.
 *
 * <p>The stage throttles every method, writes JSON access logs, logs errors and traces with X-Ray. Logging needs the
 * account's API Gateway CloudWatch role: the {@link ApiGatewayAccount} of this stack when given, else the one the
 * account already has.
 */
public final class ChatApi extends Construct {
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
     */
    public record Props(
            String environmentName,
            ApiThrottle throttle,
            boolean streaming,
            int functionTimeoutSeconds,
            Retention accessLogRetention,
            Optional<ApiGatewayAccount> accountSettings,
            IFunction handler) {}

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

        Resource proxy = restApi.getRoot().addResource("api").addResource("{proxy+}");
        Method proxyMethod = proxy.addMethod(
                "ANY",
                integration,
                MethodOptions.builder()
                        .requestParameters(Ordered.map("method.request.path.proxy", true))
                        .requestValidatorOptions(RequestValidatorOptions.builder()
                                .requestValidatorName("chat-" + name + "-path")
                                .validateRequestParameters(true)
                                .validateRequestBody(false)
                                .build())
                        .build());

        addErrorResponses();

        Acknowledge.rule(
                restApi,
                "AwsSolutions-APIG2",
                "API Gateway validates the required path parameter; request bodies are validated by the function,"
                        + " which answers with the API's error envelope and the exact rule that failed");
        Acknowledge.rule(
                proxyMethod,
                "AwsSolutions-APIG4",
                "The chat is open to anyone with the page until Cognito sign-in arrives; the function accepts an"
                        + " optional bearer token (AUTH_TOKEN) and the stage throttles every caller");
        Acknowledge.rule(
                proxyMethod,
                "AwsSolutions-COG4",
                "No Cognito user pool yet: sign-in is planned; until then see the APIG4 reason");
        Acknowledge.rule(
                restApi.getDeploymentStage(),
                "AwsSolutions-APIG3",
                "No AWS WAF web ACL: stage throttling bounds the request rate and CloudFront absorbs layer 3/4"
                        + " attacks; a WAF rate-based rule is a later addition");
    }

    /** API Gateway's own errors in the API's error envelope, so the page handles every error the same way. */
    private void addErrorResponses() {
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
        GatewayResponseOptions.Builder response = GatewayResponseOptions.builder()
                .type(type)
                .templates(Ordered.map(
                        "application/json",
                        "{\"error\":{\"code\":\"" + code + "\",\"message\":" + messageJson
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
