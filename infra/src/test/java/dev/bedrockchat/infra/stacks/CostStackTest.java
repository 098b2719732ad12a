package dev.bedrockchat.infra.stacks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;

class CostStackTest {

    @Test
    void aMonthlyBudgetMailsAt80PercentActualAnd100PercentForecast() {
        Synthesized prod = Synthesized.environment("prod");
        String email = prod.config().alarmEmail();

        prod.cost().resourceCountIs("AWS::Budgets::Budget", 1);
        prod.cost()
                .hasResourceProperties(
                        "AWS::Budgets::Budget",
                        Map.of(
                                "Budget",
                                        Map.of(
                                                "BudgetName", "chat-prod-monthly",
                                                "BudgetType", "COST",
                                                "TimeUnit", "MONTHLY",
                                                "BudgetLimit",
                                                        Map.of(
                                                                "Amount",
                                                                prod.config()
                                                                        .budgetUsd()
                                                                        .intValueExact(),
                                                                "Unit",
                                                                "USD")),
                                "NotificationsWithSubscribers",
                                        List.of(
                                                notification("ACTUAL", 80, email),
                                                notification("FORECASTED", 100, email))));
    }

    @Test
    void theCostStackNamesTheFunctionsRoleAsTheBackendNamesIt() {
        Synthesized prod = Synthesized.environment("prod");

        assertThat(prod.stacks().cost().getRegion()).isEqualTo("us-east-1");
        assertThat(prod.stacks().cost().functionRoleName()).isEqualTo("Chat-Prod-Function");
        prod.backend()
                .hasResourceProperties(
                        "AWS::IAM::Role",
                        Map.of("RoleName", prod.stacks().cost().functionRoleName(), "Policies", Match.anyValue()));
        // The budget guard names the role without a reference to the backend stack, deployed after it.
        assertThat(prod.stacks().cost().getDependencies())
                .containsExactly(prod.stacks().backend());
        assertThat(prod.cost().toJSON().toString()).doesNotContain("Fn::ImportValue", "Fn::GetStackOutput");
    }

    @Test
    void theRoleNameStaysWithinIamsLimit() {
        assertThat(ChatFunction.roleName("Chat-Abcdefghijklmnop")).isEqualTo("Chat-Abcdefghijklmnop-Function");
        String longest = "Chat-" + "x".repeat(ChatFunction.MAX_ROLE_NAME_LENGTH - "Chat--Function".length());
        assertThat(ChatFunction.roleName(longest)).hasSize(64);
        assertThatThrownBy(() -> ChatFunction.roleName(longest + "y"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("longer than IAM's 64 characters");
    }

    private static Map<String, Object> notification(String type, int percent, String email) {
        return Map.of(
                "Notification",
                        Map.of(
                                "NotificationType",
                                type,
                                "ComparisonOperator",
                                "GREATER_THAN",
                                "Threshold",
                                percent,
                                "ThresholdType",
                                "PERCENTAGE"),
                "Subscribers", List.of(Map.of("SubscriptionType", "EMAIL", "Address", email)));
    }
}
