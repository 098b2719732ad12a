package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.support.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

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
