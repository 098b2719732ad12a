package dev.bedrockchat.infra.cost;

import dev.bedrockchat.infra.config.EnvironmentConfig.BudgetAlert;
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
 * A monthly AWS Budgets cost budget in US dollars that e-mails when actual or forecast spend passes the configured
 * shares of it (by default 80 % of actual and 100 % of forecast spend).
 *
 * <p>A budget without filters tracks the whole account: deploy each environment to its own account (the usual
 * dev → staging → prod set-up) to read it as the environment's cost.
 */
public final class CostBudget extends Construct {
    /**
     * @param name      the budget's name
     * @param amountUsd the monthly limit in US dollars
     * @param email     who is told
     * @param alerts    when: each alert's spend type and share of the limit
     */
    public record Props(String name, BigDecimal amountUsd, String email, List<BudgetAlert> alerts) {
        public Props {
            alerts = List.copyOf(alerts);
        }
    }

    private final CfnBudget budget;
    private final String name;

    public CostBudget(Construct scope, String id, Props props) {
        super(scope, id);
        name = props.name();
        CfnBudget.Builder builder = CfnBudget.Builder.create(this, "Budget")
                .budget(BudgetDataProperty.builder()
                        .budgetName(props.name())
                        .budgetType("COST")
                        .timeUnit("MONTHLY")
                        .budgetLimit(SpendProperty.builder()
                                .amount(props.amountUsd())
                                .unit("USD")
                                .build())
                        .build());
        if (!props.alerts().isEmpty()) {
            builder.notificationsWithSubscribers(props.alerts().stream()
                    .map(alert -> notification(alert, props.email()))
                    .toList());
        }
        budget = builder.build();
    }

    private static NotificationWithSubscribersProperty notification(BudgetAlert alert, String email) {
        return NotificationWithSubscribersProperty.builder()
                .notification(NotificationProperty.builder()
                        .notificationType(alert.type().name())
                        .comparisonOperator("GREATER_THAN")
                        .threshold(alert.percent())
                        .thresholdType("PERCENTAGE")
                        .build())
                .subscribers(List.of(SubscriberProperty.builder()
                        .subscriptionType("EMAIL")
                        .address(email)
                        .build()))
                .build();
    }

    /** The budget resource, which a budget action must be created after. */
    public CfnBudget budget() {
        return budget;
    }

    /** The budget's name, by which a budget action names it. */
    public String name() {
        return name;
    }
}
