package dev.bedrockchat.infra.cost;

import java.math.BigDecimal;
import java.util.List;
import software.amazon.awscdk.services.budgets.CfnBudget;
import software.amazon.awscdk.services.budgets.CfnBudget.BudgetDataProperty;
import software.amazon.awscdk.services.budgets.CfnBudget.NotificationProperty;
import software.amazon.awscdk.services.budgets.CfnBudget.NotificationWithSubscribersProperty;
import software.amazon.awscdk.services.budgets.CfnBudget.SpendProperty;
import software.amazon.awscdk.services.budgets.CfnBudget.SubscriberProperty;
import software.constructs.Construct;

/**
 * A monthly AWS Budgets cost budget in US dollars that e-mails when actual spend passes
 * {@value #ACTUAL_ALERT_PERCENT}% and when forecast spend passes {@value #FORECAST_ALERT_PERCENT}% of it.
 *
 * <p>A budget without filters tracks the whole account: deploy each environment to its own account (the usual
 * dev → staging → prod set-up) to read it as the environment's cost.
 */
public final class CostBudget extends Construct {
    public static final int ACTUAL_ALERT_PERCENT = 80;
    public static final int FORECAST_ALERT_PERCENT = 100;

    /**
     * @param name      the budget's name
     * @param amountUsd the monthly limit in US dollars
     * @param email     who is told
     */
    public record Props(String name, BigDecimal amountUsd, String email) {}

    public CostBudget(Construct scope, String id, Props props) {
        super(scope, id);
        CfnBudget.Builder.create(this, "Budget")
                .budget(BudgetDataProperty.builder()
                        .budgetName(props.name())
                        .budgetType("COST")
                        .timeUnit("MONTHLY")
                        .budgetLimit(SpendProperty.builder()
                                .amount(props.amountUsd())
                                .unit("USD")
                                .build())
                        .build())
                .notificationsWithSubscribers(List.of(
                        notification("ACTUAL", ACTUAL_ALERT_PERCENT, props.email()),
                        notification("FORECASTED", FORECAST_ALERT_PERCENT, props.email())))
                .build();
    }

    private static NotificationWithSubscribersProperty notification(String type, int percent, String email) {
        return NotificationWithSubscribersProperty.builder()
                .notification(NotificationProperty.builder()
                        .notificationType(type)
                        .comparisonOperator("GREATER_THAN")
                        .threshold(percent)
                        .thresholdType("PERCENTAGE")
                        .build())
                .subscribers(List.of(SubscriberProperty.builder()
                        .subscriptionType("EMAIL")
                        .address(email)
                        .build()))
                .build();
    }
}
