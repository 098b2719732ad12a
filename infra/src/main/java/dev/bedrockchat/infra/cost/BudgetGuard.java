package dev.bedrockchat.infra.cost;

import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig.Approval;
import dev.bedrockchat.infra.support.Ordered;
import java.math.BigDecimal;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.budgets.CfnBudgetsAction;
import software.amazon.awscdk.services.budgets.CfnBudgetsAction.ActionThresholdProperty;
import software.amazon.awscdk.services.budgets.CfnBudgetsAction.DefinitionProperty;
import software.amazon.awscdk.services.budgets.CfnBudgetsAction.IamActionDefinitionProperty;
import software.amazon.awscdk.services.budgets.CfnBudgetsAction.SubscriberProperty;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The budget guard: an AWS Budgets action that, once the month's actual spend reaches a share of the budget, attaches
 * a managed policy to the chat function's role that denies every Bedrock model call. The function then answers
 * {@code ModelAccessDenied} (reason {@code explicit_deny}) until an operator detaches the policy or the next month
 * begins, when Budgets resets the action and detaches it.
 *
 * <p>The action names the role by its fixed name (IAM is global, so this stack may live in another Region than the
 * function). Budgets carries the action out with a role of its own that trusts {@code budgets.amazonaws.com} only for
 * budgets of this account ({@code aws:SourceAccount}, {@code aws:SourceArn}), and that may attach and detach exactly
 * this policy ({@code iam:PolicyARN}) on exactly the function's role, nothing else.
 */
public final class BudgetGuard extends Construct {
    public static final String ACTION_TYPE = "APPLY_IAM_POLICY";

    /**
     * @param environmentName  the environment (in descriptions)
     * @param policyName       the deny policy's name, unique in the account
     * @param budget           the budget whose actual spend triggers the guard
     * @param functionRoleName the name of the chat function's role
     * @param thresholdPercent the share of the budget at which the guard applies
     * @param approval         whether Budgets applies the guard itself or waits for an operator's approval
     * @param email            who is told when the guard applies (or waits for approval)
     */
    public record Props(
            String environmentName,
            String policyName,
            CostBudget budget,
            String functionRoleName,
            BigDecimal thresholdPercent,
            Approval approval,
            String email) {}

    private final ManagedPolicy denyPolicy;
    private final Role executionRole;

    public BudgetGuard(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);
        denyPolicy = ManagedPolicy.Builder.create(this, "DenyBedrock")
                .managedPolicyName(props.policyName())
                .description("Chat (" + props.environmentName() + ") budget guard: denies the chat function every"
                        + " Bedrock model call once the month's budget is spent")
                .statements(List.of(PolicyStatement.Builder.create()
                        .sid("BudgetSpent")
                        .effect(Effect.DENY)
                        .actions(BedrockModelAccess.INVOKE_ACTIONS)
                        .resources(List.of("*"))
                        .build()))
                .build();

        String functionRoleArn = stack.formatArn(ArnComponents.builder()
                .service("iam")
                .region("")
                .resource("role")
                .resourceName(props.functionRoleName())
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
        String budgetsOfThisAccount = stack.formatArn(ArnComponents.builder()
                .service("budgets")
                .region("")
                .resource("budget")
                .resourceName("*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
        executionRole = Role.Builder.create(this, "ExecutionRole")
                .description("AWS Budgets: attaches and detaches the chat (" + props.environmentName() + ") budget"
                        + " guard on the chat function's role")
                .assumedBy(ServicePrincipal.Builder.create("budgets.amazonaws.com")
                        .conditions(Ordered.map(
                                "StringEquals", Ordered.map("aws:SourceAccount", stack.getAccount()),
                                "ArnLike", Ordered.map("aws:SourceArn", budgetsOfThisAccount)))
                        .build())
                .inlinePolicies(Ordered.map(
                        "ApplyTheGuard",
                        PolicyDocument.Builder.create()
                                .statements(List.of(PolicyStatement.Builder.create()
                                        .sid("AttachAndDetachTheDenyPolicyOnTheFunctionRole")
                                        .actions(List.of("iam:AttachRolePolicy", "iam:DetachRolePolicy"))
                                        .resources(List.of(functionRoleArn))
                                        .conditions(Ordered.map(
                                                "ArnEquals",
                                                Ordered.map("iam:PolicyARN", denyPolicy.getManagedPolicyArn())))
                                        .build()))
                                .build()))
                .build();

        CfnBudgetsAction action = CfnBudgetsAction.Builder.create(this, "Action")
                .budgetName(props.budget().name())
                .actionType(ACTION_TYPE)
                .notificationType("ACTUAL")
                .actionThreshold(ActionThresholdProperty.builder()
                        .type("PERCENTAGE")
                        .value(props.thresholdPercent())
                        .build())
                .definition(DefinitionProperty.builder()
                        .iamActionDefinition(IamActionDefinitionProperty.builder()
                                .policyArn(denyPolicy.getManagedPolicyArn())
                                .roles(List.of(props.functionRoleName()))
                                .build())
                        .build())
                .executionRoleArn(executionRole.getRoleArn())
                .approvalModel(props.approval().name())
                .subscribers(List.of(SubscriberProperty.builder()
                        .type("EMAIL")
                        .address(props.email())
                        .build()))
                .build();
        // The action names its budget, which must exist first.
        action.addResourceDependency(props.budget().budget());
    }

    /** The policy the guard attaches to the function's role. */
    public ManagedPolicy denyPolicy() {
        return denyPolicy;
    }

    /** The role Budgets assumes to attach and detach the policy. */
    public Role executionRole() {
        return executionRole;
    }
}
