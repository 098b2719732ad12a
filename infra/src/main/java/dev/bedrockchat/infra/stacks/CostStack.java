package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.cost.CostBudget;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** The environment's monthly cost budget: wiring only. */
public final class CostStack extends Stack {
    public CostStack(Construct scope, String id, StackProps props, EnvironmentConfig config) {
        super(scope, id, props);
        new CostBudget(
                this,
                "Budget",
                new CostBudget.Props("chat-" + config.name() + "-monthly", config.budgetUsd(), config.alarmEmail()));
    }
}
