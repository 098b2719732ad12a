package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static dev.bedrockchat.infra.support.Cfn.strings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.ChatApp;
import dev.bedrockchat.infra.config.ConfigException;
import dev.bedrockchat.infra.support.Acknowledgements;
import dev.bedrockchat.infra.support.AuthConfigAsset;
import dev.bedrockchat.infra.support.CdkJson;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.support.TestArtifacts;
import dev.bedrockchat.infra.web.SecurityHeaders;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The modes without a user pool: token (dev of cdk.json: one shared token, generated in Secrets Manager) and none
 * (anyone with the page; refused for production).
 */
class AccessModesTest {

    @Test
    void tokenModeGeneratesTheTokenInSecretsManagerAndTheFunctionReadsIt() {
        Synthesized dev = Synthesized.environment("dev");
        Template backend = dev.backend();
        String token = secret(backend, "AuthToken");
        String origin = secret(backend, "OriginVerify");

        assertThat(dev.config().auth().mode().value()).isEqualTo("token");
        // Generated when the stack is created: the template has the rules, never the value.
        assertThat(properties(
                        backend.findResources("AWS::SecretsManager::Secret").get(token)))
                .containsEntry(
                        "GenerateSecretString",
                        Map.of(
                                "PasswordLength",
                                48,
                                "ExcludePunctuation",
                                true,
                                "IncludeSpace",
                                false,
                                "RequireEachIncludedType",
                                true))
                .doesNotContainKey("SecretString");
        assertThat(authVariables(backend))
                .containsOnly(
                        Map.entry("AUTH_MODE", "token"),
                        Map.entry("AUTH_TOKEN_SECRET_ARN", "${" + token + "}"),
                        Map.entry("ORIGIN_VERIFY_SECRET_ARN", "${" + origin + "}"));
        assertThat(secretsTheRoleReads(backend, "Chat-Dev-Function"))
                .containsExactlyInAnyOrder("${" + token + "}", "${" + origin + "}");
        backend.hasOutput("AuthTokenSecretArn", Map.of("Value", Map.of("Ref", token)));

        // The function checks the token: no user pool and no authorizer.
        backend.resourceCountIs("AWS::Cognito::UserPool", 0);
        backend.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
        dev.web().resourceCountIs("AWS::Cognito::UserPoolClient", 0);
        backend.allResourcesProperties("AWS::ApiGateway::Method", Map.of("AuthorizationType", "NONE"));
        assertThat(AuthConfigAsset.of(dev.stacks().web(), dev.web()).rendered()).isEqualTo(Map.of("mode", "token"));
        assertThat(contentSecurityPolicy(dev.web())).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(Acknowledgements.of(dev.stacks().backend(), "AwsSolutions-APIG4"))
                .containsKey("Chat-Dev-Backend/Api/RestApi/Default/api/{proxy+}/ANY Annotation::AwsSolutions-APIG4")
                .hasEntrySatisfying(
                        "Chat-Dev-Backend/Api/RestApi/Default/v1/{proxy+}/ANY Annotation::AwsSolutions-APIG4",
                        reason ->
                                assertThat(reason).startsWith("/v1 is for programs: the function requires the shared"))
                .hasSize(4)
                .hasEntrySatisfying(
                        "Chat-Dev-Backend/Api/RestApi/Default/api/{proxy+}/ANY Annotation::AwsSolutions-APIG4",
                        reason -> assertThat(reason).startsWith("auth.mode token: the function requires the shared"));
    }

    @Test
    void noneModeHasNoTokenAndTellsThePage() {
        Synthesized open = Synthesized.variant("auth:none", "dev", dev -> dev.put("auth", Map.of("mode", "none")));
        Template backend = open.backend();
        String origin = secret(backend, "OriginVerify");

        backend.resourceCountIs("AWS::SecretsManager::Secret", 1);
        assertThat(authVariables(backend))
                .containsOnly(
                        Map.entry("AUTH_MODE", "none"), Map.entry("ORIGIN_VERIFY_SECRET_ARN", "${" + origin + "}"));
        assertThat(secretsTheRoleReads(backend, "Chat-Dev-Function")).containsExactly("${" + origin + "}");
        assertThat(backend.findOutputs("AuthTokenSecretArn")).isEmpty();
        backend.resourceCountIs("AWS::ApiGateway::Authorizer", 0);
        assertThat(AuthConfigAsset.of(open.stacks().web(), open.web()).rendered())
                .isEqualTo(Map.of("mode", "none"));
        assertThat(Acknowledgements.of(open.stacks().backend(), "AwsSolutions-COG4"))
                .hasEntrySatisfying(
                        "Chat-Dev-Backend/Api/RestApi/Default/api/{proxy+}/ANY Annotation::AwsSolutions-COG4",
                        reason -> assertThat(reason).startsWith("auth.mode none, refused for production"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void theSynthRefusesNoneForAProductionEnvironment() {
        Map<String, Object> context = CdkJson.context();
        context.putAll(TestArtifacts.context());
        context.put("env", "prod");
        ((Map<String, Object>) ((Map<String, Object>) context.get("environments")).get("prod"))
                .put("auth", Map.of("mode", "none"));
        App app = new App(AppProps.builder().context(context).build());

        assertThatThrownBy(() -> ChatApp.build(app, Path.of("").toAbsolutePath()))
                .isInstanceOf(ConfigException.class)
                .hasMessage("environments.prod.auth.mode 'none' would let anyone use a production environment"
                        + " (production is true): use oidc or token in cdk.json");
    }

    private static String secret(Template backend, String idPrefix) {
        return backend.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith(idPrefix + "Secret"))
                .findFirst()
                .orElseThrow();
    }

    private static Map<String, String> authVariables(Template backend) {
        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        return map(map(function.get("Environment")).get("Variables")).entrySet().stream()
                .filter(variable -> variable.getKey().startsWith("AUTH_")
                        || variable.getKey().startsWith("OIDC_")
                        || variable.getKey().startsWith("ORIGIN_"))
                .collect(Collectors.toMap(Map.Entry::getKey, variable -> flatten(variable.getValue())));
    }

    static List<String> secretsTheRoleReads(Template backend, String roleName) {
        Map<String, Object> role =
                only(backend.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", roleName))));
        List<Map<String, Object>> statements = Cfn.list(properties(role).get("Policies")).stream()
                .map(Cfn::map)
                .filter(policy -> "Secrets".equals(policy.get("PolicyName")))
                .flatMap(policy -> Cfn.list(map(policy.get("PolicyDocument")).get("Statement")).stream())
                .map(Cfn::map)
                .toList();
        assertThat(statements)
                .singleElement()
                .satisfies(statement -> assertThat(statement)
                        .containsEntry("Effect", "Allow")
                        .containsEntry("Action", "secretsmanager:GetSecretValue")
                        .doesNotContainKey("Condition"));
        // Nothing else of the role touches Secrets Manager.
        assertThat(Cfn.list(properties(role).get("Policies")).stream()
                        .map(Cfn::map)
                        .filter(policy -> !"Secrets".equals(policy.get("PolicyName")))
                        .flatMap(policy ->
                                Cfn.list(map(policy.get("PolicyDocument")).get("Statement")).stream())
                        .flatMap(statement -> strings(map(statement).get("Action")).stream()))
                .noneMatch(action -> action.startsWith("secretsmanager:"));
        return strings(statements.getFirst().get("Resource"));
    }

    private static String contentSecurityPolicy(Template web) {
        return flatten(map(map(map(properties(only(web.findResources("AWS::CloudFront::ResponseHeadersPolicy")))
                                        .get("ResponseHeadersPolicyConfig"))
                                .get("SecurityHeadersConfig"))
                        .get("ContentSecurityPolicy"))
                .get("ContentSecurityPolicy"));
    }
}
