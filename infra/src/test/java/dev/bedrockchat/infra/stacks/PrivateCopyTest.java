package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * {@code -c env=dev -c stage=alice} and {@code -c env=staging -c stage=alice}: the environment again, under its own
 * names (its user pool, managed login domain and web ACL included), beside the environment itself in the same
 * account, and destroyable.
 */
class PrivateCopyTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void itsStacksAndTheFunctionsRoleCarryTheCopysName() {
        Synthesized copy = Synthesized.privateCopy("dev", "alice");

        assertThat(copy.stacks().all())
                .extracting(Stack::getStackName)
                .containsExactly("Chat-Dev-Alice-Backend", "Chat-Dev-Alice-Web", "Chat-Dev-Alice-Cost");
        // Beside dev in its account: dev names none in cdk.json, so both go where the caller's credentials are.
        Stack dev = Synthesized.environment("dev").stacks().backend();
        assertThat(copy.config().account()).isEmpty();
        assertThat(copy.stacks().all())
                .allSatisfy(stack ->
                        assertThat(stack.resolve(stack.getAccount())).isEqualTo(dev.resolve(dev.getAccount())));
        copy.backend().hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", "Chat-Dev-Alice-Function"));
        copy.backend().hasResourceProperties("AWS::CloudWatch::Dashboard", Map.of("DashboardName", "chat-dev-alice"));
        copy.backend().hasResourceProperties("AWS::ApiGateway::RestApi", Map.of("Name", "chat-dev-alice"));
        copy.cost()
                .hasResourceProperties(
                        "AWS::Budgets::Budget", Map.of("Budget", Map.of("BudgetName", "chat-dev-alice-monthly")));
        assertThat(copy.stacks().cost().functionRoleName()).isEqualTo("Chat-Dev-Alice-Function");
        // Tagged as the environment it copies, and as the copy.
        assertThat(JSON.valueToTree(copy.backend().toJSON()).toString())
                .contains("{\"Key\":\"copy\",\"Value\":\"alice\"}", "{\"Key\":\"environment\",\"Value\":\"dev\"}");
    }

    /** The copy's budget guard is its own: its policy, its budget, and the copy's role alone. */
    @Test
    void itsBudgetGuardDeniesBedrockToTheCopysRoleAlone() {
        Synthesized copy = Synthesized.privateCopy("dev", "alice");
        Template cost = copy.cost();
        String policy = cost.getResourceId("AWS::IAM::ManagedPolicy");

        cost.hasResourceProperties(
                "AWS::IAM::ManagedPolicy",
                Map.of(
                        "ManagedPolicyName",
                        "Chat-Dev-Alice-BudgetGuard",
                        "Description",
                        Match.stringLikeRegexp("^Chat \\(dev-alice\\) budget guard: .*")));
        Map<String, Object> action = properties(only(cost.findResources("AWS::Budgets::BudgetsAction")));
        assertThat(action)
                .containsEntry("BudgetName", "chat-dev-alice-monthly")
                .containsEntry(
                        "Definition",
                        Map.of(
                                "IamActionDefinition",
                                Map.of(
                                        "PolicyArn",
                                        Map.of("Ref", policy),
                                        "Roles",
                                        List.of("Chat-Dev-Alice-Function"))));
        Map<String, Object> statement =
                map(Cfn.list(map(map(Cfn.list(properties(only(cost.findResources("AWS::IAM::Role")))
                                                        .get("Policies"))
                                                .getFirst())
                                        .get("PolicyDocument"))
                                .get("Statement"))
                        .getFirst());
        assertThat(Cfn.flatten(statement.get("Resource"))).endsWith(":role/Chat-Dev-Alice-Function");
        // dev's own guard names dev's role and policy, which the copy leaves alone.
        Template dev = Synthesized.environment("dev").cost();
        dev.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("ManagedPolicyName", "Chat-Dev-BudgetGuard"));
        assertThat(properties(only(dev.findResources("AWS::Budgets::BudgetsAction"))))
                .containsEntry("BudgetName", "chat-dev-monthly");
        // Deployed after the copy's own backend, whose role it names.
        assertThat(copy.stacks().cost().getDependencies())
                .containsExactly(copy.stacks().backend());
    }

    @Test
    void theLongestNamesStillMakeARoleNameIamAccepts() {
        // 16 characters of environment name, 12 of copy name: 43 of IAM's 64.
        assertThat(ChatFunction.roleName("Chat-Abcdefghijklmnop-Abcdefghijkl"))
                .isEqualTo("Chat-Abcdefghijklmnop-Abcdefghijkl-Function")
                .hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void itOwnsNoneOfTheAccountsSingletons() {
        Template environment = Synthesized.environment("dev").backend();
        Template copy = Synthesized.privateCopy("dev", "alice").backend();

        environment.resourceCountIs("AWS::ApiGateway::Account", 1);
        copy.resourceCountIs("AWS::ApiGateway::Account", 0);
    }

    @Test
    void aCopyOfAnEnvironmentWithSignInAndAWebAclHasItsOwnPoolDomainClientAndWebAcl() {
        Synthesized copy = Synthesized.privateCopy("staging", "alice");
        String account = copy.config().account().orElseThrow();

        assertThat(copy.stacks().all())
                .extracting(Stack::getStackName)
                .containsExactly(
                        "Chat-Staging-Alice-Backend",
                        "Chat-Staging-Alice-Web",
                        "Chat-Staging-Alice-Cost",
                        "Chat-Staging-Alice-Waf");
        copy.backend()
                .hasResourceProperties(
                        "AWS::Cognito::UserPool",
                        Map.of("UserPoolName", "chat-staging-alice", "DeletionProtection", "INACTIVE"));
        copy.backend()
                .hasResourceProperties(
                        "AWS::Cognito::UserPoolDomain", Map.of("Domain", "chat-staging-alice-" + account));
        copy.web()
                .hasResourceProperties("AWS::Cognito::UserPoolClient", Map.of("ClientName", "chat-staging-alice-page"));
        Stack waf = copy.stacks().waf().orElseThrow();
        assertThat(waf.getRegion()).isEqualTo(WafStack.REGION);
        copy.templates().get(waf).hasResourceProperties("AWS::WAFv2::WebACL", Map.of("Name", "chat-staging-alice"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging"})
    void everyNameThatMustBeUniqueDiffersFromTheEnvironments(String name) {
        Synthesized environment = Synthesized.environment(name);
        Synthesized copy = Synthesized.privateCopy(name, "alice");

        TreeSet<String> shared = new TreeSet<>(physicalNames(environment));
        shared.retainAll(physicalNames(copy));
        assertThat(physicalNames(copy)).isNotEmpty();
        assertThat(shared).isEmpty();
    }

    @Test
    void aCopyOfARetainingEnvironmentIsDestroyable() {
        Synthesized staging = Synthesized.environment("staging");
        Synthesized copy = Synthesized.privateCopy("staging", "alice");

        assertThat(staging.stacks().all())
                .allSatisfy(
                        stack -> assertThat(stack.getTerminationProtection()).isTrue());
        assertThat(copy.stacks().all())
                .allSatisfy(
                        stack -> assertThat(stack.getTerminationProtection()).isFalse());
        assertThat(deletionPolicies(staging.backend())).contains("AWS::S3::Bucket Retain");
        for (Template template : copy.templates().values()) {
            assertThat(deletionPolicies(template))
                    .allSatisfy(policy -> assertThat(policy).endsWith(" Delete"));
            assertThat(JSON.valueToTree(template.toJSON()).findValues("DeletionProtection"))
                    .allSatisfy(value ->
                            assertThat(value.asText()).isNotEqualTo("ACTIVE").isNotEqualTo("true"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging"})
    void cdkNagFindsNothingUnacknowledgedInACopy(String name) {
        for (Stack stack : Synthesized.privateCopy(name, "alice").stacks().all()) {
            assertThat(AwsSolutionsChecks.Builder.create()
                            .verbose(false)
                            .build()
                            .validateScope(stack)
                            .getViolations())
                    .as(stack.getStackName())
                    .isEmpty();
        }
    }

    /**
     * Every name the templates set themselves ({@code ...Name} properties and the managed login domain, other than
     * names scoped by their parent resource: the Lambda alias, the API stage and its validator, metrics, and the rules
     * of a web ACL), which must not clash in one account.
     */
    private static List<String> physicalNames(Synthesized app) {
        List<String> names = new ArrayList<>();
        for (Template template : app.templates().values()) {
            JsonNode resources = JSON.valueToTree(template.toJSON()).path("Resources");
            resources.properties().forEach(resource -> {
                String type = resource.getValue().path("Type").asText();
                JsonNode properties = resource.getValue().path("Properties");
                if (type.equals("AWS::Cognito::UserPoolDomain")
                        && properties.path("Domain").isTextual()) {
                    names.add(type + " Domain=" + properties.path("Domain").asText());
                }
                if (type.equals("AWS::WAFv2::WebACL")) {
                    // Its rules, rule groups, headers and metrics are named within the web ACL.
                    names.add(type + " Name=" + properties.path("Name").asText());
                } else {
                    collect(type, properties, names);
                }
            });
        }
        return names;
    }

    private static void collect(String type, JsonNode node, List<String> names) {
        node.properties().forEach(property -> {
            String key = property.getKey();
            JsonNode value = property.getValue();
            if (value.isTextual() && key.endsWith("Name") && !scopedByParent(type, key)) {
                names.add(type + " " + key + "=" + value.asText());
            } else if (value.isObject() && !key.equals("Tags")) {
                collect(type, value, names);
            } else if (value.isArray() && !key.equals("Tags")) {
                value.forEach(child -> collect(type, child, names));
            }
        });
    }

    /** Names that only need to be unique within their parent resource, or that name no resource at all. */
    private static boolean scopedByParent(String type, String key) {
        return switch (key) {
            // an inline policy is named within its role; the endpoint names its AWS service; a header is no resource
            case "PolicyName", "ServiceName", "HeaderName" -> true;
            // an alias is named within its function, a stage and a validator within their API
            case "AliasName", "StageName" -> true;
            default ->
                (type.equals("AWS::Lambda::Alias")
                                        || type.equals("AWS::ApiGateway::RequestValidator")
                                        // a user pool's attributes and recovery mechanisms
                                        || type.equals("AWS::Cognito::UserPool"))
                                && key.equals("Name")
                        // alarm dimensions and metrics name what they watch
                        || type.equals("AWS::CloudWatch::Alarm");
        };
    }

    private static List<String> deletionPolicies(Template template) {
        List<String> policies = new ArrayList<>();
        map(template.toJSON().get("Resources")).values().forEach(resource -> {
            Object policy = map(resource).get("DeletionPolicy");
            // CDK keeps a function's published versions when they are replaced; they go with the function.
            if (policy != null && !"AWS::Lambda::Version".equals(map(resource).get("Type"))) {
                policies.add(map(resource).get("Type") + " " + policy);
            }
        });
        return policies;
    }
}
