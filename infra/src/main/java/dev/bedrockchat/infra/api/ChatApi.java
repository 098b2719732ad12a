package dev.bedrockchat.infra.api;

import dev.bedrockchat.infra.config.EnvironmentConfig.ApiThrottle;
import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.config.EnvironmentConfig.IamAuth;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.support.Ordered;
import java.util.Arrays;
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
import software.amazon.awscdk.services.apigateway.RequestValidator;
import software.amazon.awscdk.services.apigateway.RequestValidatorOptions;
import software.amazon.awscdk.services.apigateway.Resource;
import software.amazon.awscdk.services.apigateway.ResponseTransferMode;
import software.amazon.awscdk.services.apigateway.ResponseType;
import software.amazon.awscdk.services.apigateway.RestApi;
import software.amazon.awscdk.services.apigateway.StageOptions;
import software.amazon.awscdk.services.cognito.IUserPool;
import software.amazon.awscdk.services.iam.AccountRootPrincipal;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.ArnPrincipal;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.logs.LogGroup;
import software.constructs.Construct;

/**
 * The regional REST API in front of the chat function: {@code GET|HEAD /api/health}, {@code ANY /api/{proxy+}} and
 * the OpenAI-compatible {@code ANY /v1/{proxy+}}, all Lambda proxy integrations of the function's alias. With
 * streaming the integration uses response transfer mode STREAM, so tokens reach the browser as the model produces
 * them and an answer may run as long as the function (up to 15 minutes); buffered, it answers within API Gateway's
 * 29-second integration limit.
 *
 * <p>In oidc mode a Cognito user pools authorizer guards every {@code /api} method but the health check: it verifies
 * the ID token the page sends in {@value #IDENTITY_HEADER} (the raw token: CloudFront with caching disabled cannot
 * forward {@code Authorization} into a cache key) and passes its claims to the function; a request without a valid
 * token never reaches the function. In token and none modes the function itself decides.
 *
 * <p>{@code /v1} has no Cognito authorizer in any mode: programs send an API key (oidc), the shared token (token) or
 * nothing (none) in {@code Authorization: Bearer}, and the function checks it. With {@link IamAuth#enabled()} the
 * {@code /v1} methods use AWS_IAM authorization instead: callers sign with AWS Signature Version 4 and call the
 * {@code execute-api} address directly, and a resource policy lets in only the configured principals (or this
 * account's) on {@code /v1/*} while it keeps {@code /api/*} open to every caller as before, for CloudFront and the
 * authorizer or function behind it to decide.
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
    /** The page's API: {@code /api/...}. */
    public static final String API_PATH_PART = "api";
    /** The OpenAI-compatible API for programs: {@code /v1/...}. */
    public static final String V1_PATH_PART = "v1";

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
     * @param iamAuth                whether {@code /v1} uses IAM authorization, and for which principals
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
            boolean edgeWebAcl,
            IamAuth iamAuth) {
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

        RestApi.Builder restApiBuilder = RestApi.Builder.create(this, "RestApi")
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
                        .build());
        if (props.iamAuth().enabled()) {
            restApiBuilder.policy(resourcePolicy(name, props.iamAuth()));
        }
        restApi = restApiBuilder.build();
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

        Resource api = restApi.getRoot().addResource(API_PATH_PART);
        // Open on purpose: smoke tests and the Lambda Web Adapter's readiness need it, and it holds no data.
        Resource health = api.addResource("health");
        MethodOptions open = MethodOptions.builder()
                .authorizationType(AuthorizationType.NONE)
                .build();
        List<Method> healthMethods =
                List.of(health.addMethod("GET", integration, open), health.addMethod("HEAD", integration, open));

        RequestValidator pathValidator = restApi.addRequestValidator(
                "PathValidator",
                RequestValidatorOptions.builder()
                        .requestValidatorName("chat-" + name + "-path")
                        .validateRequestParameters(true)
                        .validateRequestBody(false)
                        .build());
        MethodOptions.Builder proxyOptions = MethodOptions.builder()
                .requestParameters(Ordered.map("method.request.path.proxy", true))
                .requestValidator(pathValidator);
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

        // The OpenAI-compatible API for programs: never the Cognito authorizer (API keys are no ID tokens).
        Method v1Method = restApi.getRoot()
                .addResource(V1_PATH_PART)
                .addResource("{proxy+}")
                .addMethod(
                        "ANY",
                        integration,
                        MethodOptions.builder()
                                .requestParameters(Ordered.map("method.request.path.proxy", true))
                                .requestValidator(pathValidator)
                                .authorizationType(
                                        props.iamAuth().enabled() ? AuthorizationType.IAM : AuthorizationType.NONE)
                                .build());

        addErrorResponses(props.iamAuth().enabled());

        Acknowledge.rule(
                restApi,
                "AwsSolutions-APIG2",
                "API Gateway validates the required path parameter; request bodies are validated by the function,"
                        + " which answers with the API's error envelope and the exact rule that failed");
        for (Method method : healthMethods) {
            String reason = "The health check is open on purpose (smoke tests, the Lambda Web Adapter's readiness"
                    + " check): it answers the service's status and holds no data; every other /api method "
                    + (props.authMode() == AuthMode.OIDC
                            ? "has the Cognito authorizer"
                            : "is checked by the function (auth.mode "
                                    + props.authMode().value() + ")")
                    + (props.iamAuth().enabled()
                            ? ", and /v1 has IAM authorization"
                            : ", and /v1 is checked by the function");
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
        acknowledgeV1(v1Method, props.authMode(), props.iamAuth().enabled());
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

    /**
     * With IAM authorization of {@code /v1}: {@code /api/*} stays open to every caller (CloudFront, then the authorizer
     * or the function decides, as without a policy), {@code /v1/*} only to the configured principals, or to this
     * account's principals whose own policies allow {@code execute-api:Invoke} on it. A method that is not
     * IAM-authorized needs an explicit allow here, or API Gateway refuses it once the API has a policy.
     */
    private static PolicyDocument resourcePolicy(String stageName, IamAuth iamAuth) {
        List<IPrincipal> callers = iamAuth.principals().isEmpty()
                ? List.of(new AccountRootPrincipal())
                : iamAuth.principals().stream()
                        .<IPrincipal>map(ArnPrincipal::new)
                        .toList();
        return PolicyDocument.Builder.create()
                .statements(List.of(
                        PolicyStatement.Builder.create()
                                .sid("ApiPathsAsBefore")
                                .principals(List.of(new AnyPrincipal()))
                                .actions(List.of("execute-api:Invoke"))
                                .resources(List.of("execute-api:/" + stageName + "/*/" + API_PATH_PART + "/*"))
                                .build(),
                        PolicyStatement.Builder.create()
                                .sid("SignedV1Callers")
                                .principals(callers)
                                .actions(List.of("execute-api:Invoke"))
                                .resources(List.of("execute-api:/" + stageName + "/*/" + V1_PATH_PART + "/*"))
                                .build()))
                .build();
    }

    private static void acknowledgeV1(Method v1Method, AuthMode authMode, boolean iamAuth) {
        if (iamAuth) {
            Acknowledge.rule(
                    v1Method,
                    "AwsSolutions-COG4",
                    "/v1 is for programs and uses IAM authorization (AWS Signature Version 4, api.iamAuth): a"
                            + " resource policy admits only the configured principals");
            return;
        }
        String reason = switch (authMode) {
            case OIDC ->
                "/v1 is for programs, which send an API key in Authorization: Bearer that no Cognito"
                        + " authorizer can verify: the function looks each key up by its SHA-256 and refuses unknown"
                        + " and revoked keys before any model is called, and requires CloudFront's origin secret";
            case TOKEN ->
                "/v1 is for programs: the function requires the shared token (generated in Secrets"
                        + " Manager) in Authorization: Bearer, and CloudFront's origin secret";
            case NONE ->
                "auth.mode none, refused for production environments: anyone with the address may"
                        + " call /v1 here; the function still requires CloudFront's origin secret and the stage"
                        + " throttles";
        };
        Acknowledge.rule(v1Method, "AwsSolutions-APIG4", reason);
        Acknowledge.rule(v1Method, "AwsSolutions-COG4", reason);
    }

    /** API Gateway's own errors in the API's error envelope, so the page handles every error the same way. */
    private void addErrorResponses(boolean iamAuth) {
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
                iamAuth
                        ? "\"This sign-in or AWS principal may not use the chat: for /v1, the caller's IAM policy must"
                                + " allow execute-api:Invoke and api.iamPrincipals must list it\""
                        : "\"This sign-in may not use the chat\"",
                Ordered.map());
        if (iamAuth) {
            // AWS_IAM's refusals of a signed /v1 call.
            errorResponse(
                    ResponseType.INVALID_SIGNATURE,
                    "403",
                    "Forbidden",
                    "\"invalid_signature\"",
                    "\"The AWS Signature Version 4 does not match: sign the request for the API's execute-api address"
                            + " (ApiUrl), not for CloudFront's\"",
                    Ordered.map());
            errorResponse(
                    ResponseType.EXPIRED_TOKEN,
                    "403",
                    "Forbidden",
                    "\"expired_token\"",
                    "\"The AWS credentials or the signature have expired: sign again with fresh credentials\"",
                    Ordered.map());
        }
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
        // API Gateway answers an unknown path, and an unsigned call of an IAM-authorized method, with this one type.
        errorResponse(
                ResponseType.MISSING_AUTHENTICATION_TOKEN,
                "404",
                "NotFound",
                iamAuth
                        ? "\"No such API path, or a /v1 call without an AWS Signature Version 4: check the URL, and sign"
                                + " /v1 calls\""
                        : "\"No such API path: check the URL\"",
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
        // Named by the code (and the reason when the code has two responses): ResponseType's toString is an identity
        // hash, which renamed the resource at every change.
        String id = code;
        if (restApi.getNode().tryFindChild(id) != null && reasonJson != null) {
            id = code
                    + Arrays.stream(reasonJson.replace("\"", "").split("_"))
                            .map(word -> Character.toUpperCase(word.charAt(0)) + word.substring(1))
                            .collect(Collectors.joining());
        }
        restApi.addGatewayResponse(id, response.build());
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
