package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static dev.bedrockchat.infra.support.Cfn.strings;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.support.Acknowledgements;
import dev.bedrockchat.infra.support.ApiMethods;
import dev.bedrockchat.infra.support.AuthConfigAsset;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.web.SecurityHeaders;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Template;

/**
 * Sign-in with Cognito (auth.mode oidc): prod of cdk.json with an account and a custom domain, and the other settings
 * of the pool in staging and a dev variant.
 */
class SignInTest {
    private static final String ACCOUNT = "111122223333";
    private static final String LOGIN = "https://chat-prod-" + ACCOUNT + ".auth.us-east-1.amazoncognito.com";
    private static final String CERTIFICATE =
            "arn:aws:acm:us-east-1:" + ACCOUNT + ":certificate/0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b";

    private static Synthesized app;
    private static Template backend;
    private static Template web;
    private static String pool;

    @BeforeAll
    static void synthesize() {
        app = Synthesized.variant("signin:prod", "prod", prod -> {
            prod.put("account", ACCOUNT);
            prod.put("customDomain", Map.of("name", "chat.example.com", "certificateArn", CERTIFICATE));
        });
        backend = app.backend();
        web = app.web();
        pool = backend.getResourceId("AWS::Cognito::UserPool");
    }

    @Test
    void thePoolSignsInByEmailWithoutSelfSignUpAStrongPasswordAndRequiredMfa() {
        Map<String, Object> resource = only(backend.findResources("AWS::Cognito::UserPool"));
        Map<String, Object> properties = properties(resource);

        assertThat(properties)
                .containsEntry("UserPoolName", "chat-prod")
                .containsEntry("UserPoolTier", "ESSENTIALS")
                .containsEntry("AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true))
                .containsEntry("UsernameAttributes", List.of("email"))
                .containsEntry("UsernameConfiguration", Map.of("CaseSensitive", false))
                .containsEntry("AutoVerifiedAttributes", List.of("email"))
                .containsEntry(
                        "AccountRecoverySetting",
                        Map.of("RecoveryMechanisms", List.of(Map.of("Name", "verified_email", "Priority", 1))))
                .containsEntry(
                        "Policies",
                        Map.of(
                                "PasswordPolicy",
                                Map.of(
                                        "MinimumLength", 12,
                                        "RequireLowercase", true,
                                        "RequireUppercase", true,
                                        "RequireNumbers", true,
                                        "RequireSymbols", true,
                                        "TemporaryPasswordValidityDays", 7)))
                // prod of cdk.json requires an authenticator app.
                .containsEntry("MfaConfiguration", "ON")
                .containsEntry("EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"))
                .containsEntry("Schema", List.of(Map.of("Name", "email", "Required", true, "Mutable", true)));
        // prod retains its data (retainDataOnDelete): the pool can be neither deleted by accident nor with the stack.
        assertThat(properties).containsEntry("DeletionProtection", "ACTIVE");
        assertThat(resource).containsEntry("DeletionPolicy", "Retain").containsEntry("UpdateReplacePolicy", "Retain");
        assertThat(Acknowledgements.of(app.stacks().backend(), "AwsSolutions-COG2"))
                .isEmpty();
        assertThat(Acknowledgements.of(app.stacks().backend(), "AwsSolutions-COG8")
                        .values())
                .singleElement()
                .asString()
                .startsWith("The Essentials feature plan");
    }

    @Test
    void thePoolIsProtectedAndKeptExactlyWhereTheDataIsAndTakesItsSettingsFromCdkJson() {
        // staging of cdk.json: the defaults (MFA offered, no self sign-up), protected and kept with its data.
        Map<String, Object> staging =
                only(Synthesized.environment("staging").backend().findResources("AWS::Cognito::UserPool"));
        assertThat(properties(staging))
                .containsEntry("UserPoolName", "chat-staging")
                .containsEntry("DeletionProtection", "ACTIVE")
                .containsEntry("MfaConfiguration", "OPTIONAL")
                .containsEntry("EnabledMfas", List.of("SOFTWARE_TOKEN_MFA"))
                .containsEntry("AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", true));
        assertThat(staging).containsEntry("DeletionPolicy", "Retain");

        // Production alone protects nothing: a prod that keeps no data on delete has a deletable pool.
        Map<String, Object> disposable = only(
                Synthesized.variant("signin:prod-disposable", "prod", prod -> prod.put("retainDataOnDelete", false))
                        .backend()
                        .findResources("AWS::Cognito::UserPool"));
        assertThat(properties(disposable)).containsEntry("DeletionProtection", "INACTIVE");
        assertThat(disposable).containsEntry("DeletionPolicy", "Delete");

        Synthesized open = Synthesized.variant(
                "signin:dev-open",
                "dev",
                dev -> dev.put(
                        "auth",
                        Map.of("mode", "oidc", "selfSignUp", true, "mfa", "off", "domainPrefix", "chat-example-dev")));
        Template template = open.backend();
        Map<String, Object> devPool = only(template.findResources("AWS::Cognito::UserPool"));
        assertThat(properties(devPool))
                .containsEntry("DeletionProtection", "INACTIVE")
                .containsEntry("MfaConfiguration", "OFF")
                .containsEntry("AdminCreateUserConfig", Map.of("AllowAdminCreateUserOnly", false))
                .doesNotContainKey("EnabledMfas");
        assertThat(devPool).containsEntry("DeletionPolicy", "Delete");
        template.hasResourceProperties(
                "AWS::Cognito::UserPoolDomain", Map.of("Domain", "chat-example-dev", "ManagedLoginVersion", 2));
        assertThat(Acknowledgements.of(open.stacks().backend(), "AwsSolutions-COG2")
                        .values())
                .singleElement()
                .asString()
                .startsWith("MFA is off in this environment's auth.mfa setting");
    }

    @Test
    void theManagedLoginDomainIsTheStackPrefixAndTheAccount() {
        Map<String, Object> domain = properties(only(backend.findResources("AWS::Cognito::UserPoolDomain")));
        assertThat(domain)
                .containsEntry("Domain", "chat-prod-" + ACCOUNT)
                .containsEntry("ManagedLoginVersion", 2)
                .containsEntry("UserPoolId", Map.of("Ref", pool));
        backend.hasOutput("SignInUrl", Map.of("Value", LOGIN));
        backend.hasOutput("UserPoolId", Map.of("Value", Map.of("Ref", pool)));

        // Without an account, the prefix takes the deploying account's id.
        Synthesized withoutAccount = Synthesized.variant("signin:prod-without-account", "prod", prod -> {
            prod.remove("account");
        });
        Map<String, Object> offline =
                properties(only(withoutAccount.backend().findResources("AWS::Cognito::UserPoolDomain")));
        assertThat(flatten(offline.get("Domain"))).isEqualTo("chat-prod-${AWS::AccountId}");
    }

    @Test
    void thePagesClientIsPublicUsesOnlyTheCodeFlowAndReturnsOnlyToThePage() {
        Map<String, Object> client = properties(only(web.findResources("AWS::Cognito::UserPoolClient")));
        String distribution = web.getResourceId("AWS::CloudFront::Distribution");
        List<String> page = List.of("https://chat.example.com/", "https://${" + distribution + ".DomainName}/");

        assertThat(client)
                .containsEntry("ClientName", "chat-prod-page")
                .containsEntry("GenerateSecret", false)
                .containsEntry("AllowedOAuthFlows", List.of("code"))
                .containsEntry("AllowedOAuthFlowsUserPoolClient", true)
                .containsEntry("AllowedOAuthScopes", List.of("openid", "email", "profile"))
                // No password flows through the API: people sign in on the managed login pages.
                .containsEntry("ExplicitAuthFlows", List.of("ALLOW_REFRESH_TOKEN_AUTH"))
                .containsEntry("SupportedIdentityProviders", List.of("COGNITO"))
                .containsEntry("PreventUserExistenceErrors", "ENABLED")
                .containsEntry("EnableTokenRevocation", true)
                .containsEntry("IdTokenValidity", 60)
                .containsEntry("AccessTokenValidity", 60)
                .containsEntry("RefreshTokenValidity", 7 * 24 * 60);
        assertThat(strings(client.get("CallbackURLs"))).containsExactlyElementsOf(page);
        assertThat(strings(client.get("LogoutURLs"))).containsExactlyElementsOf(page);
        assertThat(flatten(client.get("UserPoolId"))).isEqualTo("${import:" + exportOf(Map.of("Ref", pool)) + "}");

        // The newer managed login shows nothing for a client without a style.
        web.hasResourceProperties(
                "AWS::Cognito::ManagedLoginBranding",
                Map.of(
                        "ClientId",
                        Map.of("Ref", web.getResourceId("AWS::Cognito::UserPoolClient")),
                        "UseCognitoProvidedValues",
                        true));
        web.hasOutput(
                "UserPoolClientId", Map.of("Value", Map.of("Ref", web.getResourceId("AWS::Cognito::UserPoolClient"))));
    }

    @Test
    void everyMethodButTheHealthCheckNeedsAnIdTokenOfThePoolInXChatToken() {
        Map<String, Object> authorizer = properties(only(backend.findResources("AWS::ApiGateway::Authorizer")));
        assertThat(authorizer)
                .containsEntry("Type", "COGNITO_USER_POOLS")
                .containsEntry("IdentitySource", "method.request.header.X-Chat-Token")
                .containsEntry("ProviderARNs", List.of(Map.of("Fn::GetAtt", List.of(pool, "Arn"))))
                .containsEntry("AuthorizerResultTtlInSeconds", 300);
        String authorizerId = backend.getResourceId("AWS::ApiGateway::Authorizer");

        Map<String, String> byMethod = ApiMethods.byRoute(backend).entrySet().stream()
                .collect(Collectors.toMap(
                        Map.Entry::getKey,
                        method -> method.getValue().get("AuthorizationType") + " "
                                + flatten(method.getValue().get("AuthorizerId"))));
        // /v1 takes API keys, which the function checks: no authorizer there.
        assertThat(byMethod)
                .containsOnly(
                        Map.entry("ANY /api/{proxy+}", "COGNITO_USER_POOLS ${" + authorizerId + "}"),
                        Map.entry("ANY /v1/{proxy+}", "NONE null"),
                        Map.entry("GET /api/health", "NONE null"),
                        Map.entry("HEAD /api/health", "NONE null"));

        // The open methods are acknowledged one by one, the guarded one needs no acknowledgement.
        Map<String, String> open = Acknowledgements.of(app.stacks().backend(), "AwsSolutions-APIG4");
        String health = "Chat-Prod-Backend/Api/RestApi/Default/api/health/";
        String v1 = "Chat-Prod-Backend/Api/RestApi/Default/v1/{proxy+}/ANY Annotation::AwsSolutions-APIG4";
        assertThat(open.keySet())
                .containsExactlyInAnyOrder(
                        health + "GET Annotation::AwsSolutions-APIG4",
                        health + "HEAD Annotation::AwsSolutions-APIG4",
                        v1);
        assertThat(open.get(health + "GET Annotation::AwsSolutions-APIG4"))
                .endsWith("every other /api method has the Cognito authorizer, and /v1 is checked by the function");
        assertThat(open.get(v1)).startsWith("/v1 is for programs, which send an API key in Authorization: Bearer");
        assertThat(Acknowledgements.of(app.stacks().backend(), "AwsSolutions-COG4"))
                .hasSize(3);
    }

    @Test
    void theAuthorizersRefusalsAnswerInTheErrorEnvelope() throws Exception {
        Map<String, Object> unauthorized = gatewayResponse("UNAUTHORIZED");
        assertThat(unauthorized)
                .containsEntry("StatusCode", "401")
                .containsEntry(
                        "ResponseParameters",
                        Map.of("gatewayresponse.header.WWW-Authenticate", "'Bearer realm=\"bedrock-chat\"'"));
        assertThat(body(unauthorized))
                .isEqualTo(Map.of(
                        "error",
                        Map.of(
                                "code", "Unauthorized",
                                "reason", "invalid_token",
                                "message", "Sign in again: the sign-in token is missing, expired or not valid",
                                "requestId", "$context.requestId")));
        Map<String, Object> denied = gatewayResponse("ACCESS_DENIED");
        assertThat(denied).containsEntry("StatusCode", "403");
        assertThat(map(body(denied).get("error")))
                .containsEntry("code", "Forbidden")
                .containsEntry("requestId", "$context.requestId")
                .containsKey("message");
    }

    @Test
    void theFunctionTakesTheVerifiedClaimsAndKnowsTheManagedLoginEndpoints() {
        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        Map<String, Object> variables = map(map(function.get("Environment")).get("Variables"));
        Map<String, String> auth = variables.entrySet().stream()
                .filter(variable -> variable.getKey().startsWith("AUTH_")
                        || variable.getKey().startsWith("OIDC_")
                        || variable.getKey().startsWith("ORIGIN_"))
                .collect(Collectors.toMap(Map.Entry::getKey, variable -> flatten(variable.getValue())));
        String originSecret = backend.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith("OriginVerify"))
                .findFirst()
                .orElseThrow();

        assertThat(auth)
                .containsOnly(
                        Map.entry("AUTH_MODE", "oidc"),
                        Map.entry("OIDC_VERIFIER", "apigateway"),
                        Map.entry("OIDC_ISSUER", "https://cognito-idp.us-east-1.amazonaws.com/${" + pool + "}"),
                        Map.entry("OIDC_AUTHORIZATION_ENDPOINT", LOGIN + "/oauth2/authorize"),
                        Map.entry("OIDC_TOKEN_ENDPOINT", LOGIN + "/oauth2/token"),
                        Map.entry("OIDC_LOGOUT_ENDPOINT", LOGIN + "/logout"),
                        Map.entry("OIDC_LOGOUT_STYLE", "cognito"),
                        Map.entry("OIDC_SCOPES", "openid email profile"),
                        Map.entry("ORIGIN_VERIFY_SECRET_ARN", "${" + originSecret + "}"));
        // No shared token in this mode: the role reads the origin secret alone.
        backend.resourceCountIs("AWS::SecretsManager::Secret", 1);
        assertThat(secretsTheRoleReads()).containsExactly("${" + originSecret + "}");
    }

    @Test
    void thePageReadsItsSignInSettingsFromTheSiteBucketUncached() {
        Map<String, Object> config = map(properties(only(web.findResources("AWS::CloudFront::Distribution")))
                .get("DistributionConfig"));
        List<Map<String, Object>> behaviours =
                Cfn.list(config.get("CacheBehaviors")).stream().map(Cfn::map).toList();
        // First, so that it wins over /api/*; on the page's S3 origin; never cached.
        assertThat(behaviours)
                .extracting(behaviour -> behaviour.get("PathPattern"))
                .containsExactly("/api/auth/config", "/api/*", "/v1/*");
        assertThat(behaviours.getFirst())
                .containsEntry(
                        "TargetOriginId",
                        map(config.get("DefaultCacheBehavior")).get("TargetOriginId"))
                .containsEntry("CachePolicyId", "4135ea2d-6df8-44a3-9df3-4b5a84be39ad")
                .containsEntry("AllowedMethods", List.of("GET", "HEAD"))
                .containsEntry("ViewerProtocolPolicy", "https-only")
                .doesNotContainKey("OriginRequestPolicyId");

        AuthConfigAsset object = AuthConfigAsset.of(app.stacks().web(), web);
        String siteBucket = web.findResources("AWS::S3::Bucket").keySet().stream()
                .filter(id -> id.startsWith("WebSiteBucket"))
                .findFirst()
                .orElseThrow();
        assertThat(object.deployment())
                .containsEntry("DestinationBucketName", Map.of("Ref", siteBucket))
                .containsEntry("Prune", false)
                .containsEntry(
                        "SystemMetadata", Map.of("cache-control", "no-cache", "content-type", "application/json"));
        String client = web.getResourceId("AWS::Cognito::UserPoolClient");
        assertThat(object.rendered())
                .isEqualTo(Map.of(
                        "mode", "oidc",
                        "issuer",
                                "https://cognito-idp.us-east-1.amazonaws.com/${import:" + exportOf(Map.of("Ref", pool))
                                        + "}",
                        "clientId", "${" + client + "}",
                        "authorizationEndpoint", LOGIN + "/oauth2/authorize",
                        "tokenEndpoint", LOGIN + "/oauth2/token",
                        "scopes", List.of("openid", "email", "profile"),
                        "logout", Map.of("url", LOGIN + "/logout", "style", "cognito")));
        // Written in the contract's order, the same at every synth.
        assertThat(object.raw()).startsWith("{\"mode\":\"oidc\",\"issuer\":");
        // The page's own deployment never prunes it.
        web.hasResourceProperties(
                "Custom::CDKBucketDeployment", Map.of("Prune", true, "Exclude", List.of(AuthConfigAsset.KEY)));
    }

    @Test
    void theContentSecurityPolicyLetsThePageReachTheManagedLoginDomainAndNothingElse() {
        String policy =
                flatten(map(map(map(properties(only(web.findResources("AWS::CloudFront::ResponseHeadersPolicy")))
                                                .get("ResponseHeadersPolicyConfig"))
                                        .get("SecurityHeadersConfig"))
                                .get("ContentSecurityPolicy"))
                        .get("ContentSecurityPolicy"));

        assertThat(policy)
                .isEqualTo(SecurityHeaders.contentSecurityPolicy(List.of(LOGIN)))
                .isEqualTo("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
                        + " connect-src 'self' " + LOGIN + "; font-src 'self'; object-src 'none'; base-uri 'none';"
                        + " form-action 'self'; frame-ancestors 'none'");
        assertThat(SecurityHeaders.contentSecurityPolicy(List.of())).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
    }

    private Map<String, Object> gatewayResponse(String type) {
        return properties(only(backend.findResources(
                "AWS::ApiGateway::GatewayResponse", Map.of("Properties", Map.of("ResponseType", type)))));
    }

    private static Map<String, Object> body(Map<String, Object> response) throws Exception {
        String template = (String) map(response.get("ResponseTemplates")).get("application/json");
        return new ObjectMapper().readValue(template, Map.class);
    }

    /** The name under which the backend exports {@code value}. */
    private String exportOf(Object value) {
        return backend.findOutputs("*").values().stream()
                .map(Cfn::map)
                .filter(output -> value.equals(output.get("Value")) && output.containsKey("Export"))
                .map(output -> (String) map(output.get("Export")).get("Name"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("the backend exports no " + value));
    }

    private List<String> secretsTheRoleReads() {
        Map<String, Object> role = only(backend.findResources(
                "AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", "Chat-Prod-Function"))));
        return Cfn.list(properties(role).get("Policies")).stream()
                .map(Cfn::map)
                .filter(policy -> "Secrets".equals(policy.get("PolicyName")))
                .flatMap(policy -> Cfn.list(map(policy.get("PolicyDocument")).get("Statement")).stream())
                .map(Cfn::map)
                .peek(statement -> assertThat(statement.get("Action")).isEqualTo("secretsmanager:GetSecretValue"))
                .flatMap(statement -> strings(statement.get("Resource")).stream())
                .toList();
    }
}
