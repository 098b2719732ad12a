package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static dev.bedrockchat.infra.support.Cfn.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.web.WebDistribution;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * One way in: CloudFront sends the API a secret header that the function requires; the secret is generated in Secrets
 * Manager, reaches the distribution by dynamic reference and the function through its own VPC endpoint.
 */
class OneWayInTest {
    private static final Pattern DYNAMIC_REFERENCE = Pattern.compile("\\{\\{resolve:[a-z-]+:");

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void cloudFrontSendsTheOriginSecretToTheApiByDynamicReference(String name) {
        Synthesized app = Synthesized.environment(name);
        String secret = originSecret(app.backend());
        Map<String, Object> config = map(properties(only(app.web().findResources("AWS::CloudFront::Distribution")))
                .get("DistributionConfig"));
        String apiOriginId = (String) Cfn.list(config.get("CacheBehaviors")).stream()
                .map(Cfn::map)
                .filter(behaviour -> "/api/*".equals(behaviour.get("PathPattern")))
                .findFirst()
                .orElseThrow()
                .get("TargetOriginId");

        for (Object origin : Cfn.list(config.get("Origins"))) {
            Map<String, Object> properties = map(origin);
            if (!apiOriginId.equals(properties.get("Id"))) {
                // The page's bucket gets no secret.
                assertThat(properties).doesNotContainKey("OriginCustomHeaders");
                continue;
            }
            Map<String, Object> header =
                    map(Cfn.list(properties.get("OriginCustomHeaders")).getFirst());
            assertThat(Cfn.list(properties.get("OriginCustomHeaders"))).hasSize(1);
            assertThat(header).containsEntry("HeaderName", WebDistribution.ORIGIN_VERIFY_HEADER);
            assertThat(flatten(header.get("HeaderValue")))
                    .isEqualTo("{{resolve:secretsmanager:${import:" + exportOf(app.backend(), Map.of("Ref", secret))
                            + "}:SecretString:::}}");
        }
        assertThat(WebDistribution.ORIGIN_VERIFY_HEADER).isEqualTo("X-Origin-Verify");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void noTemplateHoldsASecretValue(String name) {
        Synthesized app = Synthesized.environment(name);
        int references = 0;
        for (Map.Entry<Stack, Template> stack : app.templates().entrySet()) {
            Template template = stack.getValue();
            for (Map<String, Object> secret :
                    template.findResources("AWS::SecretsManager::Secret").values()) {
                assertThat(properties(secret)).doesNotContainKey("SecretString").containsKey("GenerateSecretString");
            }
            String json = template.toJSON().toString();
            Matcher matcher = DYNAMIC_REFERENCE.matcher(json);
            while (matcher.find()) {
                assertThat(matcher.group()).isEqualTo("{{resolve:secretsmanager:");
                references++;
            }
            // The function gets ARNs, never values.
            assertThat(json).doesNotContain("AUTH_TOKEN=", "ORIGIN_VERIFY_SECRET=");
        }
        // Exactly one: the distribution's origin header.
        assertThat(references).isEqualTo(1);
        Map<String, Object> function = properties(only(app.backend()
                .findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        assertThat(map(map(function.get("Environment")).get("Variables")))
                .doesNotContainKeys("AUTH_TOKEN", "ORIGIN_VERIFY_SECRET");
    }

    @Test
    void theFunctionReachesSecretsManagerThroughAnEndpointThatReadsOnlyItsSecrets() {
        Synthesized app = Synthesized.environment("dev");
        Stack stack = app.stacks().backend();
        Template backend = app.backend();
        Map<String, Object> endpoint = properties(only(backend.findResources(
                "AWS::EC2::VPCEndpoint",
                Map.of("Properties", Map.of("ServiceName", "com.amazonaws.us-east-1.secretsmanager")))));
        String group = backend.getResourceId(
                "AWS::EC2::SecurityGroup",
                Map.of(
                        "Properties",
                        Map.of(
                                "GroupDescription",
                                "Secrets Manager endpoint: HTTPS in from the chat" + " function only")));

        assertThat(endpoint).containsEntry("VpcEndpointType", "Interface").containsEntry("PrivateDnsEnabled", true);
        assertThat(strings(endpoint.get("SecurityGroupIds"))).containsExactly("${" + group + ".GroupId}");
        assertThat(strings(endpoint.get("SubnetIds"))).hasSize(2).allMatch(subnet -> subnet.contains("Isolated"));

        List<Object> statements = Cfn.list(map(endpoint.get("PolicyDocument")).get("Statement"));
        assertThat(statements).hasSize(1);
        Map<String, Object> statement = map(statements.getFirst());
        assertThat(statement)
                .containsOnlyKeys("Sid", "Effect", "Principal", "Action", "Resource", "Condition")
                .containsEntry("Effect", "Allow")
                .containsEntry("Principal", Map.of("AWS", "*"))
                .containsEntry("Action", "secretsmanager:GetSecretValue")
                .containsEntry(
                        "Condition",
                        Map.of("StringEquals", Map.of("aws:PrincipalAccount", stack.resolve(stack.getAccount()))));
        // Exactly the secrets of the function's role: the origin secret and, in dev, the shared token.
        assertThat(strings(statement.get("Resource")))
                .hasSize(2)
                .containsExactlyInAnyOrderElementsOf(AccessModesTest.secretsTheRoleReads(backend, "Chat-Dev-Function"));
    }

    private static String originSecret(Template backend) {
        return backend.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith("OriginVerifySecret"))
                .findFirst()
                .orElseThrow();
    }

    private static String exportOf(Template producer, Object value) {
        return producer.findOutputs("*").values().stream()
                .map(Cfn::map)
                .filter(output -> value.equals(output.get("Value")) && output.containsKey("Export"))
                .map(output -> (String) map(output.get("Export")).get("Name"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no export of " + value));
    }
}
