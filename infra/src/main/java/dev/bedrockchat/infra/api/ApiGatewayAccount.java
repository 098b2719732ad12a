package dev.bedrockchat.infra.api;

import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.apigateway.CfnAccount;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The account's API Gateway CloudWatch role ({@code AWS::ApiGateway::Account}): the role API Gateway writes access and
 * execution logs with, for every API of the account in this Region. It is one setting per account and Region, so
 * exactly one stack of an account may own it (cdk.json's {@code apiGatewayAccountRole}); two that both set it take it
 * from each other at every deploy.
 *
 * <p>The role trusts API Gateway only on behalf of this account ({@code aws:SourceAccount}), against the confused
 * deputy. AWS documents no {@code aws:SourceArn} that API Gateway sets when it assumes this role, so the trust names
 * none. Role and setting are kept when the stack is deleted: API Gateway goes on using the role for every other API
 * of the account.
 */
public final class ApiGatewayAccount extends Construct {
    /** The AWS-managed policy API Gateway's documentation gives this role. */
    public static final String MANAGED_POLICY = "service-role/AmazonAPIGatewayPushToCloudWatchLogs";

    private final Role role;
    private final CfnAccount account;

    public ApiGatewayAccount(Construct scope, String id) {
        super(scope, id);
        Stack stack = Stack.of(this);
        role = Role.Builder.create(this, "CloudWatchRole")
                .description("API Gateway: writes the access and execution logs of this account's APIs in "
                        + stack.getRegion())
                .assumedBy(ServicePrincipal.Builder.create("apigateway.amazonaws.com")
                        .conditions(Ordered.map("StringEquals", Ordered.map("aws:SourceAccount", stack.getAccount())))
                        .build())
                .managedPolicies(List.of(ManagedPolicy.fromAwsManagedPolicyName(MANAGED_POLICY)))
                .build();
        role.applyRemovalPolicy(RemovalPolicy.RETAIN);
        Acknowledge.rule(
                role,
                "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/" + MANAGED_POLICY + "]",
                "The account-wide API Gateway logging role uses the AWS-managed policy API Gateway's documentation"
                        + " gives it; it only writes API Gateway's own logs");

        account = CfnAccount.Builder.create(this, "Account")
                .cloudWatchRoleArn(role.getRoleArn())
                .build();
        account.applyRemovalPolicy(RemovalPolicy.RETAIN);
    }

    public Role role() {
        return role;
    }

    /** The account setting; a stage that logs must be deployed after it. */
    public CfnAccount account() {
        return account;
    }
}
