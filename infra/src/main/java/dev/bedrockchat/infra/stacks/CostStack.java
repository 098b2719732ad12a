package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.cost.CostBudget;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The environment's monthly cost budget: wiring only. It lives in {@value #REGION} whatever the environment's Region,
 * as {@code AWS::Budgets::Budget} is not offered in every Region. It refers to nothing in the other stacks; the
 * function's role, which a budget action may name, has a fixed name ({@link #functionRoleName}), so no cross-Region
 * reference is needed.
 */
public final class CostStack extends Stack {
    /** The Region of every cost stack. */
    public static final String REGION = "us-east-1";

    private final String functionRoleName;

    /**
     * @param budget           the budget
     * @param functionRoleName the name of the chat function's role in the backend stack
     */
    public CostStack(Construct scope, String id, StackProps props, CostBudget.Props budget, String functionRoleName) {
        super(scope, id, props);
        this.functionRoleName = functionRoleName;
        new CostBudget(this, "Budget", budget);
    }

    /** The name of the chat function's role, which budget actions take (they name roles, not ARNs). */
    public String functionRoleName() {
        return functionRoleName;
    }
}
