package dev.bedrockchat.infra.network;

import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import software.amazon.awscdk.ArnComponents;
import software.amazon.awscdk.ArnFormat;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.customresources.AwsCustomResource;
import software.amazon.awscdk.customresources.AwsCustomResourcePolicy;
import software.amazon.awscdk.customresources.AwsSdkCall;
import software.amazon.awscdk.customresources.PhysicalResourceId;
import software.amazon.awscdk.customresources.SdkCallsPolicyOptions;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.ec2.VpcEndpoint;
import software.amazon.awscdk.services.iam.AnyPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The private network of the function: a VPC with isolated subnets in two Availability Zones and no NAT gateway or
 * internet gateway. The function reaches exactly three services, all over HTTPS through VPC endpoints:
 * Bedrock Runtime (interface endpoint, private DNS) for the allowed models only, Secrets Manager (interface endpoint,
 * private DNS) to read its own secrets only, and S3 (gateway endpoint) for the key prefixes of the artifact bucket
 * only. Each interface endpoint has a security group that lets in HTTPS from the function alone.
 */
public final class Network extends Construct {
    /** The id aws-cdk-lib gives the singleton function of AwsCustomResource. */
    private static final String AWS_CUSTOM_RESOURCE_PROVIDER_ID = "AWS679f53fac002430cb0da5b7982bd2287";
    /** The isolated subnets: the function and the endpoints live there. */
    private static final SubnetSelection ISOLATED =
            SubnetSelection.builder().subnetType(SubnetType.PRIVATE_ISOLATED).build();

    private final Vpc vpc;
    private final SecurityGroup functionSecurityGroup;

    /**
     * @param availabilityZones the two Availability Zones of the subnets
     * @param flowLogRetention  how long the VPC flow log and the S3 prefix-list lookup keep their logs, and whether
     *                          they survive the stack
     * @param bedrock           the Bedrock resources the endpoint lets through
     * @param storage           the only bucket the S3 endpoint lets through, as far as the function may use it
     * @param secrets           the only secrets the Secrets Manager endpoint lets the function read
     */
    public record Props(
            List<String> availabilityZones,
            Retention flowLogRetention,
            BedrockModelAccess bedrock,
            ArtifactStorage storage,
            List<ISecret> secrets) {
        public Props {
            availabilityZones = List.copyOf(availabilityZones);
            secrets = List.copyOf(secrets);
        }
    }

    private final Role flowLogRole;

    public Network(Construct scope, String id, Props props) {
        super(scope, id);
        Stack stack = Stack.of(this);

        flowLogRole = flowLogRole(stack);
        vpc = Vpc.Builder.create(this, "Vpc")
                .ipAddresses(IpAddresses.cidr("10.0.0.0/20"))
                .availabilityZones(props.availabilityZones())
                .natGateways(0)
                .createInternetGateway(false)
                .restrictDefaultSecurityGroup(true)
                .subnetConfiguration(List.of(SubnetConfiguration.builder()
                        .name("Isolated")
                        .subnetType(SubnetType.PRIVATE_ISOLATED)
                        .cidrMask(24)
                        .build()))
                .flowLogs(Ordered.map(
                        "All",
                        FlowLogOptions.builder()
                                .destination(FlowLogDestination.toCloudWatchLogs(
                                        props.flowLogRetention().logGroup(this, "FlowLogs"), flowLogRole))
                                .trafficType(FlowLogTrafficType.ALL)
                                .build()))
                .build();
        Acknowledge.rule(
                vpc,
                "CloudFormation-Validate::W3010",
                "The Availability Zones come from the environment's configuration on purpose: the VPC synthesizes"
                        + " without an Availability Zone lookup");

        functionSecurityGroup = SecurityGroup.Builder.create(this, "FunctionSecurityGroup")
                .vpc(vpc)
                .description(
                        "Chat function: HTTPS out to the Bedrock Runtime, Secrets Manager and S3 endpoints" + " only")
                .allowAllOutbound(false)
                .build();
        SecurityGroup endpointSecurityGroup = SecurityGroup.Builder.create(this, "EndpointSecurityGroup")
                .vpc(vpc)
                .description("Bedrock Runtime endpoint: HTTPS in from the chat function only")
                .allowAllOutbound(false)
                .build();
        endpointSecurityGroup.addIngressRule(functionSecurityGroup, Port.tcp(443), "HTTPS from the chat function");
        functionSecurityGroup.addEgressRule(endpointSecurityGroup, Port.tcp(443), "HTTPS to Bedrock Runtime");

        VpcEndpoint bedrockEndpoint = vpc.addInterfaceEndpoint(
                "BedrockRuntime",
                InterfaceVpcEndpointOptions.builder()
                        .service(InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME)
                        .privateDnsEnabled(true)
                        .open(false)
                        .securityGroups(List.of(endpointSecurityGroup))
                        .subnets(ISOLATED)
                        .build());
        allowThisAccount(bedrockEndpoint, props.bedrock().endpointStatements(new AnyPrincipal()));

        SecurityGroup secretsEndpointSecurityGroup = SecurityGroup.Builder.create(this, "SecretsEndpointSecurityGroup")
                .vpc(vpc)
                .description("Secrets Manager endpoint: HTTPS in from the chat function only")
                .allowAllOutbound(false)
                .build();
        secretsEndpointSecurityGroup.addIngressRule(
                functionSecurityGroup, Port.tcp(443), "HTTPS from the chat function");
        functionSecurityGroup.addEgressRule(secretsEndpointSecurityGroup, Port.tcp(443), "HTTPS to Secrets Manager");
        VpcEndpoint secretsEndpoint = vpc.addInterfaceEndpoint(
                "SecretsManager",
                InterfaceVpcEndpointOptions.builder()
                        .service(InterfaceVpcEndpointAwsService.SECRETS_MANAGER)
                        .privateDnsEnabled(true)
                        .open(false)
                        .securityGroups(List.of(secretsEndpointSecurityGroup))
                        .subnets(ISOLATED)
                        .build());
        allowThisAccount(
                secretsEndpoint,
                List.of(PolicyStatement.Builder.create()
                        .sid("ReadTheChatSecrets")
                        .principals(List.of(new AnyPrincipal()))
                        .actions(List.of("secretsmanager:GetSecretValue"))
                        .resources(props.secrets().stream()
                                .map(ISecret::getSecretArn)
                                .toList())
                        .build()));

        VpcEndpoint s3Endpoint = vpc.addGatewayEndpoint(
                "S3",
                GatewayVpcEndpointOptions.builder()
                        .service(GatewayVpcEndpointAwsService.S3)
                        .subnets(List.of(ISOLATED))
                        .build());
        // The same access as the function's role.
        allowThisAccount(s3Endpoint, props.storage().statements(new AnyPrincipal()));

        // Security groups take the S3 prefix list by id, which differs per Region: look it up at deploy time.
        String s3PrefixListId = s3PrefixListId(stack.getRegion(), props.flowLogRetention());
        functionSecurityGroup.addEgressRule(
                Peer.prefixList(s3PrefixListId), Port.tcp(443), "HTTPS to S3 through the gateway endpoint");
    }

    /**
     * The role VPC Flow Logs assumes to write the flow log: only for flow logs of this account and Region
     * ({@code aws:SourceAccount}, {@code aws:SourceArn}), so that no other account's flow log can be pointed at it
     * (the confused deputy). Its permissions on the log group are granted by the flow log destination.
     */
    private Role flowLogRole(Stack stack) {
        String flowLogs = stack.formatArn(ArnComponents.builder()
                .service("ec2")
                .resource("vpc-flow-log")
                .resourceName("*")
                .arnFormat(ArnFormat.SLASH_RESOURCE_NAME)
                .build());
        return Role.Builder.create(this, "FlowLogRole")
                .description("VPC Flow Logs: writes the flow log of the chat VPC to its log group")
                .assumedBy(ServicePrincipal.Builder.create("vpc-flow-logs.amazonaws.com")
                        .conditions(Ordered.map(
                                "StringEquals", Ordered.map("aws:SourceAccount", stack.getAccount()),
                                "ArnLike", Ordered.map("aws:SourceArn", flowLogs)))
                        .build())
                .build();
    }

    /** Lets {@code statements} through {@code endpoint} for principals of this stack's account only. */
    private static void allowThisAccount(VpcEndpoint endpoint, List<PolicyStatement> statements) {
        for (PolicyStatement statement : statements) {
            statement.addCondition(
                    "StringEquals",
                    Ordered.map("aws:PrincipalAccount", Stack.of(endpoint).getAccount()));
            endpoint.addToPolicy(statement);
        }
    }

    private String s3PrefixListId(String region, Retention logRetention) {
        String field = "PrefixLists.0.PrefixListId";
        AwsSdkCall describe = AwsSdkCall.builder()
                .service("EC2")
                .action("describeManagedPrefixLists")
                .parameters(Ordered.map(
                        "Filters",
                        List.of(Ordered.map(
                                "Name", "prefix-list-name", "Values", List.of("com.amazonaws." + region + ".s3")))))
                .physicalResourceId(PhysicalResourceId.fromResponse(field))
                .outputPaths(List.of(field))
                .build();
        AwsCustomResource lookup = AwsCustomResource.Builder.create(this, "S3PrefixList")
                .onCreate(describe)
                .onUpdate(describe)
                .installLatestAwsSdk(false)
                // Its handler's logs follow the environment's retention (aws-cdk-lib would keep them two years and
                // leave them behind when the stack is deleted).
                .logGroup(logRetention.logGroup(this, "S3PrefixListLogs"))
                .policy(AwsCustomResourcePolicy.fromSdkCalls(SdkCallsPolicyOptions.builder()
                        .resources(AwsCustomResourcePolicy.ANY_RESOURCE)
                        .build()))
                .build();
        Acknowledge.rule(
                lookup,
                "AwsSolutions-IAM5[Resource::*]",
                "ec2:DescribeManagedPrefixLists supports no resource-level permissions; the call only reads the id"
                        + " of the AWS-managed S3 prefix list");
        // The singleton function behind every AwsCustomResource of the stack, created by aws-cdk-lib.
        IConstruct provider = Stack.of(this).getNode().tryFindChild(AWS_CUSTOM_RESOURCE_PROVIDER_ID);
        if (provider != null) {
            Acknowledge.rule(
                    provider,
                    "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
                            + "AWSLambdaBasicExecutionRole]",
                    "aws-cdk-lib's AwsCustomResource handler writes its logs with the AWS-managed basic execution"
                            + " policy; its only other permission is ec2:DescribeManagedPrefixLists");
        }
        return lookup.getResponseField(field);
    }

    public Vpc vpc() {
        return vpc;
    }

    /** The isolated subnets the function runs in. */
    public SubnetSelection functionSubnets() {
        return ISOLATED;
    }

    public SecurityGroup functionSecurityGroup() {
        return functionSecurityGroup;
    }

    /** The role the VPC flow log is written with. */
    public Role flowLogRole() {
        return flowLogRole;
    }
}
