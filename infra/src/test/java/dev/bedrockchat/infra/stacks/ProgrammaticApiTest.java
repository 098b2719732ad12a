package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.support.Acknowledgements;
import dev.bedrockchat.infra.support.ApiMethods;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awscdk.assertions.Template;

/**
 * The OpenAI-compatible API for programs: {@code ANY /v1/{proxy+}} beside {@code /api}, checked by the function in
 * every sign-in mode, or by API Gateway's IAM authorization with {@code api.iamAuth}; and CloudFront's {@code /v1/*}.
 */
class ProgrammaticApiTest {
    private static final String CI_ROLE = "arn:aws:iam::123456789012:role/ci";
    private static final String PARTNER_ACCOUNT = "arn:aws:iam::210987654321:root";

    /** Each sign-in mode with /v1 checked by the function: environment, variant key, change. */
    static Stream<Arguments> modes() {
        return Stream.of(
                arguments("none", "dev", "auth:none", (Consumer<Map<String, Object>>)
                        dev -> dev.put("auth", Map.of("mode", "none"))),
                arguments("token", "dev", "cdk.json", null),
                arguments("oidc", "prod", "cdk.json", null));
    }

    /** Each sign-in mode with api.iamAuth: the IAM principals listed in dev, this account's in prod. */
    static Stream<Arguments> iamModes() {
        return Stream.of(
                arguments("none", "dev", "iam:none", (Consumer<Map<String, Object>>) dev -> {
                    dev.put("auth", Map.of("mode", "none"));
                    iamAuth(dev, List.of(CI_ROLE, PARTNER_ACCOUNT));
                }),
                arguments("token", "dev", "iam:token", (Consumer<Map<String, Object>>)
                        dev -> iamAuth(dev, List.of(CI_ROLE, PARTNER_ACCOUNT))),
                arguments(
                        "oidc", "prod", "iam:oidc", (Consumer<Map<String, Object>>) prod -> iamAuth(prod, List.of())));
    }

    @ParameterizedTest(name = "auth.mode {0}")
    @MethodSource("modes")
    void v1HasNoAuthorizerInAnyModeAndTheSameIntegrationAsApi(
            String mode, String environment, String key, Consumer<Map<String, Object>> change) {
        Synthesized app = synthesize(environment, key, change);
        Template backend = app.backend();
        Map<String, Object> v1 = ApiMethods.of(backend, "ANY /v1/{proxy+}");
        Map<String, Object> api = ApiMethods.of(backend, "ANY /api/{proxy+}");

        assertThat(v1)
                .containsEntry("AuthorizationType", "NONE")
                .doesNotContainKey("AuthorizerId")
                .containsEntry("RequestParameters", Map.of("method.request.path.proxy", true))
                .containsEntry("RequestValidatorId", api.get("RequestValidatorId"))
                .containsEntry("Integration", api.get("Integration"));
        assertThat(map(v1.get("Integration")))
                .containsEntry("Type", "AWS_PROXY")
                .containsEntry("ResponseTransferMode", "STREAM");
        assertThat(api.get("AuthorizationType")).isEqualTo(mode.equals("oidc") ? "COGNITO_USER_POOLS" : "NONE");
        // No resource policy and no IAM gateway responses without api.iamAuth.
        assertThat(properties(only(backend.findResources("AWS::ApiGateway::RestApi"))))
                .doesNotContainKey("Policy");
        assertThat(gatewayResponse(backend, "INVALID_SIGNATURE")).isEmpty();
        assertThat(functionVariables(backend)).doesNotContainKey("API_IAM_AUTH");

        String v1Path = app.stacks().backend().getStackName() + "/Api/RestApi/Default/v1/{proxy+}/ANY ";
        Map<String, String> acknowledged = Acknowledgements.under(app.stacks().backend());
        String expectedStart = switch (mode) {
            case "oidc" -> "/v1 is for programs, which send an API key in Authorization: Bearer";
            case "token" -> "/v1 is for programs: the function requires the shared token";
            default -> "auth.mode none, refused for production environments: anyone with the address may" + " call /v1";
        };
        assertThat(acknowledged.get(v1Path + "Annotation::AwsSolutions-APIG4")).startsWith(expectedStart);
        assertThat(acknowledged.get(v1Path + "Annotation::AwsSolutions-COG4")).startsWith(expectedStart);
    }

    @ParameterizedTest(name = "auth.mode {0}")
    @MethodSource("iamModes")
    void withIamAuthV1TakesAwsIamAndApiStaysAsItWas(
            String mode, String environment, String key, Consumer<Map<String, Object>> change) {
        Synthesized app = synthesize(environment, key, change);
        Template backend = app.backend();
        Map<String, Map<String, Object>> routes = ApiMethods.byRoute(backend);

        assertThat(routes.get("ANY /v1/{proxy+}"))
                .containsEntry("AuthorizationType", "AWS_IAM")
                .doesNotContainKey("AuthorizerId")
                .containsEntry("Integration", routes.get("ANY /api/{proxy+}").get("Integration"));
        assertThat(routes.get("ANY /api/{proxy+}").get("AuthorizationType"))
                .isEqualTo(mode.equals("oidc") ? "COGNITO_USER_POOLS" : "NONE");
        assertThat(routes.get("GET /api/health")).containsEntry("AuthorizationType", "NONE");
        assertThat(routes.get("HEAD /api/health")).containsEntry("AuthorizationType", "NONE");
        // The function takes the caller's ARN for /v1 and needs no origin secret from those calls.
        assertThat(functionVariables(backend)).containsEntry("API_IAM_AUTH", "true");
        assertThat(functionVariables(backend)).containsEntry("AUTH_MODE", mode);

        String v1Path = app.stacks().backend().getStackName() + "/Api/RestApi/Default/v1/{proxy+}/ANY ";
        Map<String, String> acknowledged = Acknowledgements.under(app.stacks().backend());
        // AWS_IAM answers APIG4; Cognito's rule is acknowledged with the reason.
        assertThat(acknowledged).doesNotContainKey(v1Path + "Annotation::AwsSolutions-APIG4");
        assertThat(acknowledged.get(v1Path + "Annotation::AwsSolutions-COG4"))
                .startsWith("/v1 is for programs and uses IAM authorization (AWS Signature Version 4");
        assertThat(flatten(map(backend.findOutputs("ApiUrl").get("ApiUrl")).get("Description")))
                .contains("programs sign /v1 calls (SigV4, execute-api) for this address");
    }

    @Test
    void theResourcePolicyLetsEveryCallerIntoApiAndOnlyTheListedPrincipalsIntoV1() {
        Map<String, Object> policy =
                resourcePolicy(synthesize("dev", "iam:token", dev -> iamAuth(dev, List.of(CI_ROLE, PARTNER_ACCOUNT)))
                        .backend());

        assertThat(policy)
                .isEqualTo(Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(
                                Map.of(
                                        "Sid", "ApiPathsAsBefore",
                                        "Effect", "Allow",
                                        "Principal", Map.of("AWS", "*"),
                                        "Action", "execute-api:Invoke",
                                        "Resource", "execute-api:/dev/*/api/*"),
                                Map.of(
                                        "Sid", "SignedV1Callers",
                                        "Effect", "Allow",
                                        "Principal", Map.of("AWS", List.of(CI_ROLE, PARTNER_ACCOUNT)),
                                        "Action", "execute-api:Invoke",
                                        "Resource", "execute-api:/dev/*/v1/*"))));

        // What API Gateway decides with it: every /api route stays open to anyone (CloudFront, then the authorizer
        // or the function decides, as without a policy); /v1 only for the listed principals.
        for (String route : List.of("GET/api/health", "HEAD/api/health", "POST/api/chat", "GET/api/usage")) {
            assertThat(allowedCallers(policy, "execute-api:/dev/" + route))
                    .as(route)
                    .containsExactly("*");
        }
        for (String route : List.of("POST/v1/chat/completions", "GET/v1/models")) {
            assertThat(allowedCallers(policy, "execute-api:/dev/" + route))
                    .as(route)
                    .containsExactly(CI_ROLE, PARTNER_ACCOUNT);
        }
        // Another stage (or API Gateway's test invocations) gets nothing.
        assertThat(allowedCallers(policy, "execute-api:/test-invoke-stage/POST/api/chat"))
                .isEmpty();
    }

    @Test
    void withoutListedPrincipalsV1IsForThisAccountsPrincipalsWhosePoliciesAllowIt() {
        Synthesized prod = synthesize("prod", "iam:oidc", settings -> iamAuth(settings, List.of()));
        Map<String, Object> policy = resourcePolicy(prod.backend());

        List<Map<String, Object>> statements =
                Cfn.list(policy.get("Statement")).stream().map(Cfn::map).toList();
        assertThat(statements).hasSize(2);
        assertThat(statements.get(0))
                .containsEntry("Principal", Map.of("AWS", "*"))
                .containsEntry("Resource", "execute-api:/prod/*/api/*");
        assertThat(statements.get(1))
                .containsEntry("Sid", "SignedV1Callers")
                .containsEntry("Resource", "execute-api:/prod/*/v1/*");
        assertThat(flatten(map(statements.get(1).get("Principal")).get("AWS")))
                // prod names its account in cdk.json.
                .isEqualTo("arn:aws:iam::" + prod.config().account().orElseThrow() + ":root");
    }

    @Test
    void iamRefusalsAnswerInTheApisEnvelope() throws Exception {
        Template backend = synthesize("dev", "iam:token", dev -> iamAuth(dev, List.of(CI_ROLE, PARTNER_ACCOUNT)))
                .backend();

        assertThat(gatewayResponse(backend, "INVALID_SIGNATURE").orElseThrow()).containsEntry("StatusCode", "403");
        assertThat(body(gatewayResponse(backend, "INVALID_SIGNATURE").orElseThrow()))
                .isEqualTo(Map.of(
                        "error",
                        Map.of(
                                "code", "Forbidden",
                                "reason", "invalid_signature",
                                "message",
                                        "The AWS Signature Version 4 does not match: sign the request for the API's"
                                                + " execute-api address (ApiUrl), not for CloudFront's",
                                "requestId", "$context.requestId")));
        assertThat(body(gatewayResponse(backend, "EXPIRED_TOKEN").orElseThrow()))
                .isEqualTo(Map.of(
                        "error",
                        Map.of(
                                "code", "Forbidden",
                                "reason", "expired_token",
                                "message",
                                        "The AWS credentials or the signature have expired: sign again with fresh"
                                                + " credentials",
                                "requestId", "$context.requestId")));
        assertThat(body(gatewayResponse(backend, "ACCESS_DENIED").orElseThrow()))
                .isEqualTo(Map.of(
                        "error",
                        Map.of(
                                "code", "Forbidden",
                                "message",
                                        "This sign-in or AWS principal may not use the chat: for /v1, the caller's IAM"
                                                + " policy must allow execute-api:Invoke and api.iamPrincipals must"
                                                + " list it",
                                "requestId", "$context.requestId")));
        // An unsigned /v1 call and an unknown path are one response type in API Gateway.
        Map<String, Object> missing =
                gatewayResponse(backend, "MISSING_AUTHENTICATION_TOKEN").orElseThrow();
        assertThat(missing).containsEntry("StatusCode", "404");
        assertThat(map(body(missing).get("error")))
                .containsEntry("code", "NotFound")
                .containsEntry(
                        "message",
                        "No such API path, or a /v1 call without an AWS Signature Version 4: check the URL, and sign"
                                + " /v1 calls");
    }

    @Test
    void cloudFrontSendsV1ToTheApiWithTheOriginSecretLikeApi() {
        Synthesized dev = Synthesized.environment("dev");
        Map<String, Object> config = map(properties(only(dev.web().findResources("AWS::CloudFront::Distribution")))
                .get("DistributionConfig"));
        Map<String, Object> v1 = Cfn.list(config.get("CacheBehaviors")).stream()
                .map(Cfn::map)
                .filter(behaviour -> "/v1/*".equals(behaviour.get("PathPattern")))
                .findFirst()
                .orElseThrow();
        Map<String, Object> origin = Cfn.list(config.get("Origins")).stream()
                .map(Cfn::map)
                .filter(candidate -> candidate.get("Id").equals(v1.get("TargetOriginId")))
                .findFirst()
                .orElseThrow();

        // Caching disabled and every viewer header but Host: CloudFront forwards Authorization too.
        assertThat(v1)
                .containsEntry("CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
                .containsEntry("OriginRequestPolicyId", "b689b0a8-53d0-40ab-baf2-68738e2966ac")
                .containsEntry("AllowedMethods", List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"))
                .containsEntry("Compress", false);
        assertThat(Cfn.list(origin.get("OriginCustomHeaders"))).singleElement().satisfies(header -> {
            assertThat(map(header)).containsEntry("HeaderName", "X-Origin-Verify");
            assertThat(flatten(map(header).get("HeaderValue"))).startsWith("{{resolve:secretsmanager:");
        });
        assertThat(flatten(origin.get("DomainName"))).contains(".execute-api.");
    }

    private static Synthesized synthesize(String environment, String key, Consumer<Map<String, Object>> change) {
        return change == null ? Synthesized.environment(environment) : Synthesized.variant(key, environment, change);
    }

    @SuppressWarnings("unchecked")
    private static void iamAuth(Map<String, Object> environment, List<String> principals) {
        Map<String, Object> api = (Map<String, Object>) environment.get("api");
        api.put("iamAuth", true);
        if (!principals.isEmpty()) {
            api.put("iamPrincipals", principals);
        }
    }

    private static Map<String, Object> resourcePolicy(Template backend) {
        return map(properties(only(backend.findResources("AWS::ApiGateway::RestApi")))
                .get("Policy"));
    }

    /**
     * The principals the policy's statements allow to invoke {@code resource} ({@code *} for everyone), evaluated as
     * IAM does: a statement matches when one of its resource patterns ({@code *} any characters) matches.
     */
    private static List<String> allowedCallers(Map<String, Object> policy, String resource) {
        List<String> callers = new ArrayList<>();
        for (Object entry : Cfn.list(policy.get("Statement"))) {
            Map<String, Object> statement = map(entry);
            assertThat(statement).containsEntry("Effect", "Allow").containsEntry("Action", "execute-api:Invoke");
            boolean matches = Cfn.strings(statement.get("Resource")).stream()
                    .anyMatch(pattern -> Pattern.compile(Stream.of(pattern.split("\\*", -1))
                                    .map(Pattern::quote)
                                    .reduce((left, right) -> left + ".*" + right)
                                    .orElseThrow())
                            .matcher(resource)
                            .matches());
            if (matches) {
                callers.addAll(Cfn.strings(map(statement.get("Principal")).get("AWS")));
            }
        }
        return callers;
    }

    private static Optional<Map<String, Object>> gatewayResponse(Template backend, String type) {
        return backend
                .findResources("AWS::ApiGateway::GatewayResponse", Map.of("Properties", Map.of("ResponseType", type)))
                .values()
                .stream()
                .map(Cfn::properties)
                .findFirst();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> body(Map<String, Object> response) throws Exception {
        String template = (String) map(response.get("ResponseTemplates")).get("application/json");
        return new ObjectMapper().readValue(template, Map.class);
    }

    private static Map<String, Object> functionVariables(Template backend) {
        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        return map(map(function.get("Environment")).get("Variables"));
    }
}
