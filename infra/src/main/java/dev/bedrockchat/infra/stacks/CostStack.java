package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.cost.BudgetGuard;
import dev.bedrockchat.infra.cost.CostBudget;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The environment's monthly cost budget, its e-mail alerts and its guard: wiring only. It lives in {@value #REGION}
 * whatever the environment's Region, as {@code AWS::Budgets::Budget} is not offered in every Region (IAM, which holds
 * the guard's policy and role, is global). It refers to nothing in the other stacks; the function's role, which the
 * guard names, has a fixed name ({@link #functionRoleName}), so no cross-Region reference is needed. Every name it
 * sets is the deployment's ({@link EnvironmentConfig#deploymentName()}, {@link EnvironmentConfig#stackPrefix()}), so
 * a private copy's budget and guard sit beside the environment's in one account and stop the copy's function alone.
 */
public final class CostStack extends Stack {
    /** The Region of every cost stack. */
    public static final String REGION = "us-east-1";

    private final String functionRoleName;
    private final BudgetGuard guard;

    /**
     * @param config           the environment
     * @param functionRoleName the name of the chat function's role in the backend stack
     */
    public CostStack(Construct scope, String id, StackProps props, EnvironmentConfig config, String functionRoleName) {
        super(scope, id, props);
        this.functionRoleName = functionRoleName;
        CostBudget budget = new CostBudget(
                this,
                "Budget",
                new CostBudget.Props(
                        budgetName(config),
                        config.budgetUsd(),
                        config.alarmEmail(),
                        config.budget().alerts()));
        guard = new BudgetGuard(
                this,
                "Guard",
                new BudgetGuard.Props(
                        config.deploymentName(),
                        guardPolicyName(config.stackPrefix()),
                        budget,
                        functionRoleName,
                        config.budget().actionPercent(),
                        config.budget().approval(),
                        config.alarmEmail()));
        CfnOutput.Builder.create(this, "BudgetGuardPolicyArn")
                .description("The policy the budget guard attaches to " + functionRoleName + " when the budget is"
                        + " spent: detach it to let the chat call Bedrock again")
                .value(guard.denyPolicy().getManagedPolicyArn())
                .build();
    }

    /**
     * The name of the environment's budget, unique in the account: {@code chat-dev-monthly}, or
     * {@code chat-dev-alice-monthly} for the private copy {@code alice}.
     */
    public static String budgetName(EnvironmentConfig config) {
        return "chat-" + config.deploymentName() + "-monthly";
    }

    /**
     * The name of the budget guard's deny policy, unique in the account: {@code Chat-Dev-BudgetGuard}, or
     * {@code Chat-Dev-Alice-BudgetGuard} for the private copy {@code alice}.
     */
    public static String guardPolicyName(String stackPrefix) {
        return stackPrefix + "-BudgetGuard";
    }

    /** The name of the chat function's role, which budget actions take (they name roles, not ARNs). */
    public String functionRoleName() {
        return functionRoleName;
    }

    public BudgetGuard guard() {
        return guard;
    }
}
