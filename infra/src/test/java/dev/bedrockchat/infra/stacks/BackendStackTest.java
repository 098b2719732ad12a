package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static dev.bedrockchat.infra.support.Cfn.strings;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.support.ApiMethods;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * The backend of dev, with an account and one model of each kind: a foundation model, a geographic inference
 * profile and a global inference profile.
 */
class BackendStackTest {
    private static final String ACCOUNT = "111122223333";
    private static final List<String> MODELS = List.of(
            "amazon.nova-micro-v1:0", "us.amazon.nova-lite-v1:0", "global.anthropic.claude-haiku-4-5-20251001-v1:0");

    private static Synthesized app;
    private static Template template;
    private static EnvironmentConfig config;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void synthesize() {
        app = Synthesized.variant("backend:three-kinds-of-models", "dev", dev -> {
            dev.put("account", ACCOUNT);
            Map<String, Object> models = (Map<String, Object>) dev.get("models");
            models.put("allowed", MODELS);
            models.put("default", "us.amazon.nova-lite-v1:0");
            ((Map<String, Object>) dev.get("function")).put("reservedConcurrency", 5);
        });
        template = app.backend();
        config = app.config();
    }

    @Test
    void theRoleInvokesExactlyTheAllowedModels() {
        List<Map<String, Object>> statements = rolePolicy("BedrockModels");

        assertThat(statements).hasSize(2);
        Map<String, Object> direct = statements.get(0);
        assertThat(strings(direct.get("Action")))
                .containsExactly("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
        assertThat(strings(direct.get("Resource")))
                .containsExactlyInAnyOrder(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-micro-v1:0",
                        "arn:aws:bedrock:us-east-1:" + ACCOUNT + ":inference-profile/us.amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1:" + ACCOUNT
                                + ":inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0");
        assertThat(direct).doesNotContainKey("Condition");

        Map<String, Object> routed = statements.get(1);
        assertThat(strings(routed.get("Resource")))
                .containsExactlyInAnyOrder(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0");
        Map<String, Object> condition = map(map(routed.get("Condition")).get("StringEquals"));
        assertThat(strings(condition.get("bedrock:InferenceProfileArn")))
                .containsExactlyInAnyOrder(
                        "arn:aws:bedrock:us-east-1:" + ACCOUNT + ":inference-profile/us.amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1:" + ACCOUNT
                                + ":inference-profile/global.anthropic.claude-haiku-4-5-20251001-v1:0");
    }

    @Test
    void noBedrockPermissionAnywhereHasAWildcard() {
        List<Map<String, Object>> bedrockStatements = new ArrayList<>();
        template.findResources("AWS::IAM::Role")
                .values()
                .forEach(role -> Cfn.list(properties(role).get("Policies"))
                        .forEach(policy ->
                                bedrockStatements.addAll(statements(map(policy).get("PolicyDocument")))));
        template.findResources("AWS::IAM::Policy")
                .values()
                .forEach(policy ->
                        bedrockStatements.addAll(statements(properties(policy).get("PolicyDocument"))));
        template.findResources("AWS::EC2::VPCEndpoint")
                .values()
                .forEach(endpoint ->
                        bedrockStatements.addAll(statements(properties(endpoint).get("PolicyDocument"))));
        bedrockStatements.removeIf(statement ->
                strings(statement.get("Action")).stream().noneMatch(action -> action.startsWith("bedrock:")));

        assertThat(bedrockStatements).hasSize(3); // role: direct + through profiles; endpoint: one
        for (Map<String, Object> statement : bedrockStatements) {
            assertThat(strings(statement.get("Action"))).noneMatch(action -> action.contains("*"));
            assertThat(strings(statement.get("Resource"))).isNotEmpty().noneMatch(arn -> arn.contains("*"));
        }
    }

    @Test
    void theRoleReachesOnlyItsFourPrefixesOfItsBucket() {
        String bucketArn = "${"
                + template.getResourceId(
                        "AWS::S3::Bucket",
                        Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))))
                + ".Arn}";
        List<Map<String, Object>> statements = rolePolicy("ArtifactBucket");

        assertThat(statements).hasSize(2);
        assertThat(strings(statements.get(0).get("Resource")))
                .containsExactlyInAnyOrder(
                        bucketArn + "/conversations/*",
                        bucketArn + "/artifacts/*",
                        bucketArn + "/usage/*",
                        bucketArn + "/keys/*");
        assertThat(strings(statements.get(0).get("Action"))).containsExactlyInAnyOrder("s3:GetObject", "s3:PutObject");
        assertThat(strings(statements.get(1).get("Resource"))).containsExactly(bucketArn);
        assertThat(strings(statements.get(1).get("Action"))).containsExactly("s3:ListBucket");
        // No delete anywhere: a revoked key stays a record, old counters expire by lifecycle.
        assertThat(statements)
                .flatExtracting(statement -> strings(statement.get("Action")))
                .noneMatch(action -> action.contains("Delete"));
        // Unconditional, so that a missing key is a 404 (a GetObject request carries no s3:prefix).
        assertThat(statements).allSatisfy(statement -> assertThat(statement).doesNotContainKey("Condition"));

        // Nothing else of the role touches S3.
        Map<String, Object> role = chatRole();
        List<String> s3Actions = Cfn.list(properties(role).get("Policies")).stream()
                .filter(policy -> !"ArtifactBucket".equals(map(policy).get("PolicyName")))
                .flatMap(policy -> statements(map(policy).get("PolicyDocument")).stream())
                .flatMap(statement -> strings(statement.get("Action")).stream())
                .filter(action -> action.startsWith("s3:"))
                .toList();
        assertThat(s3Actions).isEmpty();
    }

    @Test
    void theRoleHasNoManagedPolicyAndWritesOnlyItsOwnLogGroup() {
        Map<String, Object> role = chatRole();
        assertThat(properties(role)).doesNotContainKey("ManagedPolicyArns");

        List<Map<String, Object>> logs = rolePolicy("Logs");
        String logGroup = logGroupOfFunction();
        assertThat(logs).singleElement().satisfies(statement -> {
            assertThat(strings(statement.get("Action")))
                    .containsExactlyInAnyOrder("logs:CreateLogStream", "logs:PutLogEvents");
            assertThat(strings(statement.get("Resource"))).containsExactly("${" + logGroup + ".Arn}");
        });

        // Wildcard resources only for actions without resource-level permissions.
        List<Map<String, Object>> network = rolePolicy("VpcNetworkInterfaces");
        assertThat(network)
                .singleElement()
                .satisfies(statement -> assertThat(strings(statement.get("Action")))
                        .allMatch(action -> action.startsWith("ec2:")
                                && (action.contains("NetworkInterface")
                                        || action.contains("PrivateIpAddresses")
                                        || action.equals("ec2:DescribeSubnets"))));
        String roleId = template.getResourceId(
                "AWS::IAM::Role",
                Map.of(
                        "Properties",
                        Map.of(
                                "Policies",
                                Match.arrayWith(List.of(Match.objectLike(Map.of("PolicyName", "BedrockModels")))))));
        List<String> defaultPolicyActions = template
                .findResources(
                        "AWS::IAM::Policy", Map.of("Properties", Map.of("Roles", List.of(Map.of("Ref", roleId)))))
                .values()
                .stream()
                .flatMap(policy -> statements(properties(policy).get("PolicyDocument")).stream())
                .flatMap(statement -> strings(statement.get("Action")).stream())
                .toList();
        assertThat(defaultPolicyActions).containsExactlyInAnyOrder("xray:PutTraceSegments", "xray:PutTelemetryRecords");
    }

    @Test
    void theFunctionRunsJava25OnArmWithSnapStartInTheVpc() {
        Map<String, Object> function = properties(chatFunction());
        EnvironmentConfig.FunctionSettings settings = config.function();

        assertThat(function)
                .containsEntry("Runtime", "java25")
                .containsEntry("Architectures", List.of("arm64"))
                .containsEntry("Handler", "run.sh")
                .containsEntry("MemorySize", settings.memoryMb())
                .containsEntry("Timeout", settings.timeoutSeconds())
                .containsEntry(
                        "ReservedConcurrentExecutions",
                        settings.reservedConcurrency().orElseThrow())
                .containsEntry("SnapStart", Map.of("ApplyOn", "PublishedVersions"))
                .containsEntry("TracingConfig", Map.of("Mode", "Active"))
                .containsEntry(
                        "Layers", List.of("arn:aws:lambda:us-east-1:753240598075:layer:LambdaAdapterLayerArm64:30"));
        assertThat(flatten(map(function.get("LoggingConfig")).get("LogGroup")))
                .isEqualTo("${" + logGroupOfFunction() + "}");
        Map<String, Object> vpc = map(function.get("VpcConfig"));
        assertThat(strings(vpc.get("SubnetIds"))).hasSize(2).allMatch(subnet -> subnet.contains("Isolated"));
        assertThat(strings(vpc.get("SecurityGroupIds")))
                .singleElement()
                .asString()
                .contains("FunctionSecurityGroup");
    }

    @Test
    void theFunctionGetsTheContractsEnvironment() {
        Map<String, Object> variables =
                map(map(properties(chatFunction()).get("Environment")).get("Variables"));
        String bucket = template.getResourceId(
                "AWS::S3::Bucket",
                Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));

        assertThat(variables.keySet().stream()
                        .collect(Collectors.toMap(key -> key, key -> flatten(variables.get(key)))))
                .containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                        Map.entry("CHAT_MODE", "bedrock"),
                        Map.entry("ENVIRONMENT_NAME", "dev"),
                        Map.entry("BEDROCK_MODEL_ID", "us.amazon.nova-lite-v1:0"),
                        Map.entry("ALLOWED_MODEL_IDS", String.join(",", MODELS)),
                        Map.entry("ARTIFACT_BUCKET", "${" + bucket + "}"),
                        Map.entry("SYSTEM_PROMPT", config.function().systemPrompt()),
                        Map.entry(
                                "MAX_TOKENS", Integer.toString(config.function().maxTokens())),
                        Map.entry(
                                "TEMPERATURE",
                                config.function()
                                        .temperature()
                                        .stripTrailingZeros()
                                        .toPlainString()),
                        Map.entry(
                                "MODEL_TIMEOUT_SECONDS",
                                Integer.toString(config.function().modelTimeoutSeconds())),
                        Map.entry(
                                "ANSWER_TIMEOUT_SECONDS",
                                Integer.toString(config.function().timeoutSeconds() - 5)),
                        Map.entry("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap"),
                        Map.entry("AWS_LWA_INVOKE_MODE", "response_stream"),
                        Map.entry("AWS_LWA_READINESS_CHECK_PATH", "/api/health"),
                        // The warm-up call is no HTTP request: the adapter posts it here.
                        Map.entry("AWS_LWA_PASS_THROUGH_PATH", "/events"),
                        // SnapStart is on: the adapter calls the function's hooks around the snapshot.
                        Map.entry("AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH", "/snapstart/before-checkpoint"),
                        Map.entry("AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH", "/snapstart/after-restore"),
                        Map.entry("PORT", "8080"),
                        Map.entry(
                                "JAVA_TOOL_OPTIONS",
                                "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
                                        + " -XX:MaxRAMPercentage=60"),
                        // dev signs in with the shared token; both secrets are read at start-up, never set here.
                        Map.entry("AUTH_MODE", "token"),
                        Map.entry("AUTH_TOKEN_SECRET_ARN", "${" + secret("AuthToken") + "}"),
                        Map.entry("ORIGIN_VERIFY_SECRET_ARN", "${" + secret("OriginVerify") + "}"),
                        // Prices of the allowed models only, in their order: a profile without an entry of its own
                        // is priced as its foundation model.
                        Map.entry(
                                "MODEL_PRICES",
                                "{\"amazon.nova-micro-v1:0\":{\"inputPer1k\":0.000035,\"outputPer1k\":0.00014,"
                                        + "\"cacheReadPer1k\":0.00000875},"
                                        + "\"us.amazon.nova-lite-v1:0\":{\"inputPer1k\":0.00006,\"outputPer1k\":0.00024,"
                                        + "\"cacheReadPer1k\":0.000015},"
                                        + "\"global.anthropic.claude-haiku-4-5-20251001-v1:0\":{\"inputPer1k\":0.001,"
                                        + "\"outputPer1k\":0.005,\"cacheReadPer1k\":0.0001,"
                                        + "\"cacheWritePer1k\":0.00125}}"),
                        Map.entry("MODEL_PRICES_TAKEN_ON", config.prices().takenOn()),
                        // dev limits tokens only; no USD limit, no IAM authorization of /v1.
                        Map.entry("USER_DAILY_TOKEN_QUOTA", "1000000")));
    }

    @Test
    void theApiInvokesTheLiveAliasOfAPublishedVersion() {
        template.resourceCountIs("AWS::Lambda::Version", 1);
        template.hasResourceProperties(
                "AWS::Lambda::Alias",
                Map.of(
                        "Name",
                        ChatFunction.ALIAS_NAME,
                        "FunctionVersion",
                        Map.of(
                                "Fn::GetAtt",
                                List.of(Match.stringLikeRegexp("ChatFunctionCurrentVersion.*"), "Version"))));
        String alias = template.getResourceId("AWS::Lambda::Alias");
        template.hasResourceProperties(
                "AWS::Lambda::Permission",
                Map.of(
                        "Action", "lambda:InvokeFunction",
                        "FunctionName", Map.of("Ref", alias),
                        "Principal", "apigateway.amazonaws.com"));
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", config.logRetentionDays()));
    }

    @Test
    void theArtifactBucketIsPrivateEncryptedVersionedLoggedAndExpires() {
        var lifecycle = config.artifacts();
        template.hasResourceProperties(
                "AWS::S3::Bucket",
                Map.of(
                        "BucketEncryption",
                                Map.of(
                                        "ServerSideEncryptionConfiguration",
                                        List.of(Map.of(
                                                "ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))),
                        "PublicAccessBlockConfiguration",
                                Map.of(
                                        "BlockPublicAcls",
                                        true,
                                        "BlockPublicPolicy",
                                        true,
                                        "IgnorePublicAcls",
                                        true,
                                        "RestrictPublicBuckets",
                                        true),
                        "OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))),
                        "VersioningConfiguration", Map.of("Status", "Enabled"),
                        "LoggingConfiguration",
                                Map.of("DestinationBucketName", Match.anyValue(), "LogFilePrefix", "artifact-bucket/"),
                        "LifecycleConfiguration",
                                Map.of(
                                        "Rules",
                                        Match.arrayWith(List.of(
                                                Match.objectLike(Map.of(
                                                        "Prefix",
                                                        "artifacts/",
                                                        "Status",
                                                        "Enabled",
                                                        "Transitions",
                                                        List.of(Map.of(
                                                                "StorageClass",
                                                                "STANDARD_IA",
                                                                "TransitionInDays",
                                                                lifecycle.infrequentAccessAfterDays())),
                                                        "ExpirationInDays",
                                                        lifecycle.expireAfterDays())),
                                                Match.objectLike(Map.of(
                                                        "NoncurrentVersionExpiration",
                                                        Map.of(
                                                                "NoncurrentDays",
                                                                lifecycle.noncurrentVersionsExpireAfterDays()))))))));
        String bucket = template.getResourceId(
                "AWS::S3::Bucket",
                Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));
        template.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Map.of(
                        "Bucket", Map.of("Ref", bucket),
                        "PolicyDocument",
                                Map.of(
                                        "Statement",
                                        Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                "Effect",
                                                "Deny",
                                                "Condition",
                                                Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        // dev: deleted with the stack, objects first.
        template.hasResource(
                "AWS::S3::Bucket",
                Map.of(
                        "DeletionPolicy",
                        "Delete",
                        "Properties",
                        Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));
        template.hasResourceProperties("Custom::S3AutoDeleteObjects", Map.of("BucketName", Map.of("Ref", bucket)));
    }

    @Test
    void theVpcIsIsolatedWithoutNatOrInternetGateway() {
        template.resourceCountIs("AWS::EC2::NatGateway", 0);
        template.resourceCountIs("AWS::EC2::InternetGateway", 0);
        template.resourceCountIs("AWS::EC2::EIP", 0);
        template.resourceCountIs("AWS::EC2::Subnet", 2);
        template.allResourcesProperties("AWS::EC2::Subnet", Map.of("MapPublicIpOnLaunch", false));
        List<String> zones = template.findResources("AWS::EC2::Subnet").values().stream()
                .map(subnet -> flatten(properties(subnet).get("AvailabilityZone")))
                .toList();
        assertThat(zones).containsExactlyInAnyOrderElementsOf(config.availabilityZones());
        template.resourceCountIs("AWS::EC2::Route", 0);
        template.hasResourceProperties("AWS::EC2::FlowLog", Map.of("TrafficType", "ALL"));
    }

    @Test
    void theBedrockEndpointLetsThroughOnlyTheAllowedModels() {
        Map<String, Object> endpoint = properties(only(template.findResources(
                "AWS::EC2::VPCEndpoint",
                Map.of("Properties", Map.of("ServiceName", "com.amazonaws.us-east-1.bedrock-runtime")))));
        assertThat(endpoint).containsEntry("VpcEndpointType", "Interface");
        assertThat(endpoint).containsEntry("PrivateDnsEnabled", true);

        List<Map<String, Object>> roleStatements = rolePolicy("BedrockModels");
        List<String> roleResources = roleStatements.stream()
                .flatMap(statement -> strings(statement.get("Resource")).stream())
                .toList();

        // One statement: the role's exact ARNs (profiles and the models they route to), for this account's
        // principals, without the role's bedrock:InferenceProfileArn condition.
        List<Map<String, Object>> endpointStatements = statements(endpoint.get("PolicyDocument"));
        assertThat(endpointStatements).hasSize(1);
        Map<String, Object> statement = endpointStatements.getFirst();
        assertThat(statement)
                .containsOnlyKeys("Sid", "Effect", "Principal", "Action", "Resource", "Condition")
                .containsEntry("Effect", "Allow")
                .containsEntry("Principal", Map.of("AWS", "*"));
        assertThat(strings(statement.get("Action")))
                .containsExactly("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");
        assertThat(strings(statement.get("Resource"))).hasSize(8).containsExactlyInAnyOrderElementsOf(roleResources);
        assertThat(statement.get("Condition"))
                .isEqualTo(Map.of("StringEquals", Map.of("aws:PrincipalAccount", ACCOUNT)));
        // The role keeps the condition: it alone enforces that the routed models are only used through profiles.
        assertThat(roleStatements.get(1).get("Condition").toString()).contains("bedrock:InferenceProfileArn");
    }

    @Test
    void theFunctionRoleHasTheFixedNameOfItsStackPrefix() {
        assertThat(properties(chatRole())).containsEntry("RoleName", "Chat-Dev-Function");
        assertThat(app.stacks().backend().function().role().getRoleName()).isNotNull();
        assertThat(app.stacks().cost().functionRoleName()).isEqualTo("Chat-Dev-Function");
        template.hasOutput("FunctionRoleName", Map.of("Value", "Chat-Dev-Function"));
    }

    @Test
    void theFlowLogRoleTrustsOnlyThisAccountsFlowLogs() {
        Map<String, Object> flowLog = properties(only(template.findResources("AWS::EC2::FlowLog")));
        String roleId =
                (String) ((List<?>) map(flowLog.get("DeliverLogsPermissionArn")).get("Fn::GetAtt")).get(0);
        Map<String, Object> role =
                properties(template.findResources("AWS::IAM::Role").get(roleId));

        assertThat(role.get("AssumeRolePolicyDocument"))
                .isEqualTo(Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(Map.of(
                                "Effect",
                                "Allow",
                                "Principal",
                                Map.of("Service", "vpc-flow-logs.amazonaws.com"),
                                "Action",
                                "sts:AssumeRole",
                                "Condition",
                                Map.of(
                                        "StringEquals",
                                        Map.of("aws:SourceAccount", ACCOUNT),
                                        "ArnLike",
                                        Map.of(
                                                "aws:SourceArn",
                                                "arn:aws:ec2:us-east-1:" + ACCOUNT + ":vpc-flow-log/*"))))));
        assertThat(role).doesNotContainKeys("ManagedPolicyArns", "Policies");
        // It may write to the flow log's own log group, nothing else.
        String logGroup = flatten(flowLog.get("LogGroupName"));
        List<Map<String, Object>> statements = template
                .findResources(
                        "AWS::IAM::Policy", Map.of("Properties", Map.of("Roles", List.of(Map.of("Ref", roleId)))))
                .values()
                .stream()
                .flatMap(policy -> statements(properties(policy).get("PolicyDocument")).stream())
                .toList();
        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(strings(statement.get("Resource")))
                    .containsExactly("${" + logGroup.substring(2, logGroup.length() - 1) + ".Arn}");
            assertThat(strings(statement.get("Action")))
                    .containsExactlyInAnyOrder("logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents");
        });
    }

    @Test
    void theAccountsApiGatewayRoleTrustsApiGatewayForThisAccountOnly() {
        Map<String, Object> account = only(template.findResources("AWS::ApiGateway::Account"));
        String roleId = (String)
                ((List<?>) map(properties(account).get("CloudWatchRoleArn")).get("Fn::GetAtt")).get(0);
        Map<String, Object> role = template.findResources("AWS::IAM::Role").get(roleId);

        assertThat(properties(role).get("AssumeRolePolicyDocument"))
                .isEqualTo(Map.of(
                        "Version",
                        "2012-10-17",
                        "Statement",
                        List.of(Map.of(
                                "Effect",
                                "Allow",
                                "Principal",
                                Map.of("Service", "apigateway.amazonaws.com"),
                                "Action",
                                "sts:AssumeRole",
                                "Condition",
                                Map.of("StringEquals", Map.of("aws:SourceAccount", ACCOUNT))))));
        assertThat(flatten(((List<?>) properties(role).get("ManagedPolicyArns")).getFirst()))
                .isEqualTo("arn:${AWS::Partition}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs");
        // Kept on deletion: API Gateway goes on using it for every API of the account.
        assertThat(role).containsEntry("DeletionPolicy", "Retain");
        assertThat(account).containsEntry("DeletionPolicy", "Retain");
        // After the API (the account needs an API Gateway resource first), before the stage that logs.
        String restApi = template.getResourceId("AWS::ApiGateway::RestApi");
        assertThat(Cfn.strings(account.get("DependsOn"))).containsExactly(restApi);
        String accountId = template.findResources("AWS::ApiGateway::Account")
                .keySet()
                .iterator()
                .next();
        assertThat(Cfn.strings(
                        only(template.findResources("AWS::ApiGateway::Stage")).get("DependsOn")))
                .contains(accountId);
        template.resourceCountIs("AWS::ApiGateway::Account", 1);
    }

    @Test
    void aDailyWarmUpCallsTheLiveAliasOutsideProduction() {
        String alias = template.getResourceId("AWS::Lambda::Alias");
        Map<String, Object> schedule = properties(only(template.findResources("AWS::Scheduler::Schedule")));

        assertThat(schedule)
                .containsEntry("ScheduleExpression", "rate(1 day)")
                .containsEntry("State", "ENABLED")
                .containsEntry("FlexibleTimeWindow", Map.of("Mode", "OFF"));
        Map<String, Object> target = map(schedule.get("Target"));
        assertThat(target)
                .containsEntry("Arn", Map.of("Ref", alias))
                .containsEntry("Input", "{\"source\":\"bedrock-chat.warm-up\"}");
        // The scheduler's role may invoke the alias and nothing else, for this account's default group only.
        String roleId = (String) ((List<?>) map(target.get("RoleArn")).get("Fn::GetAtt")).get(0);
        List<Map<String, Object>> statements = template
                .findResources(
                        "AWS::IAM::Policy", Map.of("Properties", Map.of("Roles", List.of(Map.of("Ref", roleId)))))
                .values()
                .stream()
                .flatMap(policy -> statements(properties(policy).get("PolicyDocument")).stream())
                .toList();
        assertThat(statements).singleElement().satisfies(statement -> {
            assertThat(statement).containsEntry("Action", "lambda:InvokeFunction");
            assertThat(statement).containsEntry("Resource", Map.of("Ref", alias));
        });
        Map<String, Object> trust = map(
                statements(properties(template.findResources("AWS::IAM::Role").get(roleId))
                                .get("AssumeRolePolicyDocument"))
                        .getFirst());
        assertThat(trust).containsEntry("Principal", Map.of("Service", "scheduler.amazonaws.com"));
        assertThat(map(map(trust.get("Condition")).get("StringEquals"))).containsEntry("aws:SourceAccount", ACCOUNT);
    }

    @Test
    void theS3EndpointLetsThroughOnlyTheArtifactBucket() {
        Map<String, Object> endpoint = properties(only(template.findResources(
                "AWS::EC2::VPCEndpoint", Map.of("Properties", Map.of("VpcEndpointType", "Gateway")))));
        String bucketArn = "${"
                + template.getResourceId(
                        "AWS::S3::Bucket",
                        Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))))
                + ".Arn}";

        List<String> resources = statements(endpoint.get("PolicyDocument")).stream()
                .flatMap(statement -> strings(statement.get("Resource")).stream())
                .toList();
        // The same objects as the role's: the four prefixes and the listing.
        assertThat(resources)
                .containsExactlyInAnyOrder(
                        bucketArn + "/conversations/*",
                        bucketArn + "/artifacts/*",
                        bucketArn + "/usage/*",
                        bucketArn + "/keys/*",
                        bucketArn);
    }

    @Test
    void theS3EndpointLetsOnlyThisAccountListTheArtifactBucketLikeTheRole() {
        String bucket = template.getResourceId(
                "AWS::S3::Bucket",
                Map.of("Properties", Map.of("VersioningConfiguration", Map.of("Status", "Enabled"))));

        template.hasResourceProperties(
                "AWS::EC2::VPCEndpoint",
                Map.of(
                        "VpcEndpointType",
                        "Gateway",
                        "PolicyDocument",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectEquals(Map.of(
                                        "Sid",
                                        "ArtifactBucketListing",
                                        "Effect",
                                        "Allow",
                                        "Principal",
                                        Map.of("AWS", "*"),
                                        "Action",
                                        "s3:ListBucket",
                                        "Resource",
                                        Map.of("Fn::GetAtt", List.of(bucket, "Arn")),
                                        "Condition",
                                        Map.of("StringEquals", Map.of("aws:PrincipalAccount", ACCOUNT)))))))));
    }

    @Test
    void securityGroupsAllowOnlyHttpsFromTheFunctionToTheEndpoints() {
        String functionGroup = template.getResourceId(
                "AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", Match.stringLikeRegexp("Chat function.*"))));
        String endpointGroup = template.getResourceId(
                "AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", Match.stringLikeRegexp("Bedrock Runtime endpoint.*"))));
        String secretsGroup = template.getResourceId(
                "AWS::EC2::SecurityGroup",
                Map.of("Properties", Map.of("GroupDescription", Match.stringLikeRegexp("Secrets Manager endpoint.*"))));

        // Each endpoint lets in HTTPS from the function alone.
        List<Map<String, Object>> ingress = template.findResources("AWS::EC2::SecurityGroupIngress").values().stream()
                .map(Cfn::properties)
                .toList();
        assertThat(ingress).hasSize(2).allSatisfy(rule -> {
            assertThat(rule)
                    .containsEntry("IpProtocol", "tcp")
                    .containsEntry("FromPort", 443)
                    .containsEntry("ToPort", 443);
            assertThat(flatten(rule.get("SourceSecurityGroupId"))).isEqualTo("${" + functionGroup + ".GroupId}");
        });
        assertThat(ingress)
                .extracting(rule -> flatten(rule.get("GroupId")))
                .containsExactlyInAnyOrder("${" + endpointGroup + ".GroupId}", "${" + secretsGroup + ".GroupId}");

        List<Map<String, Object>> egress = template.findResources("AWS::EC2::SecurityGroupEgress").values().stream()
                .map(Cfn::properties)
                .toList();
        assertThat(egress)
                .hasSize(3)
                .allSatisfy(rule -> assertThat(rule)
                        .containsEntry("FromPort", 443)
                        .containsEntry("ToPort", 443)
                        .containsEntry("IpProtocol", "tcp"));
        assertThat(egress)
                .extracting(rule -> flatten(rule.get("GroupId")))
                .containsOnly("${" + functionGroup + ".GroupId}");
        assertThat(egress)
                .filteredOn(rule -> rule.containsKey("DestinationSecurityGroupId"))
                .extracting(rule -> flatten(rule.get("DestinationSecurityGroupId")))
                .containsExactlyInAnyOrder("${" + endpointGroup + ".GroupId}", "${" + secretsGroup + ".GroupId}");
        // The Region's S3 prefix list, looked up at deploy time.
        assertThat(egress)
                .filteredOn(rule -> rule.containsKey("DestinationPrefixListId"))
                .singleElement()
                .extracting(rule -> flatten(rule.get("DestinationPrefixListId")))
                .asString()
                .matches("\\$\\{NetworkS3PrefixList[0-9A-F]+\\.PrefixLists\\.0\\.PrefixListId}");
        template.hasResourceProperties(
                "Custom::AWS",
                Map.of(
                        "Create",
                        Match.serializedJson(Match.objectLike(Map.of(
                                "action",
                                "describeManagedPrefixLists",
                                "parameters",
                                Map.of(
                                        "Filters",
                                        List.of(Map.of(
                                                "Name",
                                                "prefix-list-name",
                                                "Values",
                                                List.of("com.amazonaws.us-east-1.s3")))))))));
        // No security group allows anything else out: the function's has no other rule, the endpoint's only
        // CDK's placeholder that matches no traffic.
        template.hasResourceProperties(
                "AWS::EC2::SecurityGroup",
                Map.of(
                        "GroupDescription", Match.stringLikeRegexp("Chat function.*"),
                        "SecurityGroupEgress", Match.absent(),
                        "SecurityGroupIngress", Match.absent()));
        for (String endpoint : List.of("Bedrock Runtime endpoint.*", "Secrets Manager endpoint.*")) {
            template.hasResourceProperties(
                    "AWS::EC2::SecurityGroup",
                    Map.of(
                            "GroupDescription", Match.stringLikeRegexp(endpoint),
                            "SecurityGroupEgress", List.of(Match.objectLike(Map.of("CidrIp", "255.255.255.255/32"))),
                            "SecurityGroupIngress", Match.absent()));
        }
    }

    @Test
    void theApiStreamsFromTheAliasThroughAProxyResource() {
        String alias = template.getResourceId("AWS::Lambda::Alias");
        Map<String, Object> method = ApiMethods.of(template, "ANY /api/{proxy+}");
        Map<String, Object> integration = map(method.get("Integration"));
        // The health check's GET and HEAD and /v1 take the same integration.
        assertThat(ApiMethods.byRoute(template).keySet())
                .containsExactly("ANY /api/{proxy+}", "ANY /v1/{proxy+}", "GET /api/health", "HEAD /api/health");
        template.allResourcesProperties(
                "AWS::ApiGateway::Method", Map.of("Integration", Map.of("Uri", integration.get("Uri"))));

        assertThat(method).containsEntry("HttpMethod", "ANY");
        assertThat(integration)
                .containsEntry("Type", "AWS_PROXY")
                .containsEntry("ResponseTransferMode", "STREAM")
                .containsEntry("TimeoutInMillis", config.function().timeoutSeconds() * 1000);
        assertThat(flatten(integration.get("Uri")))
                .isEqualTo("arn:aws:apigateway:us-east-1:lambda:path/" + "2021-11-15/functions/${" + alias
                        + "}/response-streaming-invocations");
        template.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "api"));
        template.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "{proxy+}"));
        template.hasResourceProperties("AWS::ApiGateway::RequestValidator", Map.of("ValidateRequestParameters", true));
        template.hasResourceProperties(
                "AWS::ApiGateway::RestApi", Map.of("EndpointConfiguration", Map.of("Types", List.of("REGIONAL"))));
    }

    @Test
    void theStageThrottlesLogsAndTraces() {
        template.hasResourceProperties(
                "AWS::ApiGateway::Stage",
                Map.of(
                        "StageName",
                        "dev",
                        "TracingEnabled",
                        true,
                        "AccessLogSetting",
                        Map.of(
                                "DestinationArn",
                                        Map.of("Fn::GetAtt", List.of(Match.stringLikeRegexp("ApiAccessLogs.*"), "Arn")),
                                "Format",
                                        Match.stringLikeRegexp("\\{\"requestId\":\"\\$context.requestId\".*"
                                                + "\"status\":\"\\$context.status\".*\\}")),
                        "MethodSettings",
                        List.of(Map.of(
                                "HttpMethod",
                                "*",
                                "ResourcePath",
                                "/*",
                                "LoggingLevel",
                                "ERROR",
                                "DataTraceEnabled",
                                false,
                                "MetricsEnabled",
                                true,
                                "ThrottlingRateLimit",
                                config.api().ratePerSecond().intValue(),
                                "ThrottlingBurstLimit",
                                config.api().burst()))));
        template.hasResourceProperties(
                "AWS::ApiGateway::GatewayResponse",
                Map.of(
                        "ResponseType",
                        "THROTTLED",
                        "StatusCode",
                        "429",
                        "ResponseParameters",
                        Map.of("gatewayresponse.header.Retry-After", "'1'"),
                        "ResponseTemplates",
                        Map.of(
                                "application/json",
                                Match.stringLikeRegexp(
                                        "\\{\"error\":\\{\"code\":\"Throttled\",.*\"requestId\":\"\\$context.requestId\"\\}\\}"))));
    }

    @Test
    void theDashboardShowsFunctionApiAndEveryModel() throws Exception {
        Map<String, Object> dashboard = properties(only(template.findResources("AWS::CloudWatch::Dashboard")));
        assertThat(dashboard).containsEntry("DashboardName", "chat-dev");
        var body = new com.fasterxml.jackson.databind.ObjectMapper().readTree(flatten(dashboard.get("DashboardBody")));

        Set<String> metrics = new java.util.TreeSet<>();
        for (var widget : body.get("widgets")) {
            var lines = widget.path("properties").path("metrics");
            for (var line : lines) {
                if (!line.get(0).isTextual()) {
                    continue; // a math expression
                }
                List<String> parts = new ArrayList<>();
                line.forEach(part -> parts.add(part.isTextual() ? part.asText() : ""));
                String dimensionValue = parts.size() > 3 ? parts.get(3) : "";
                metrics.add(parts.get(0) + "/" + parts.get(1)
                        + (parts.get(0).equals("AWS/Bedrock") ? "/" + dimensionValue : ""));
            }
        }
        assertThat(metrics)
                .contains(
                        "AWS/Lambda/Invocations",
                        "AWS/Lambda/Duration",
                        "AWS/Lambda/Errors",
                        "AWS/Lambda/Throttles",
                        "AWS/Lambda/ConcurrentExecutions",
                        "AWS/ApiGateway/Count",
                        "AWS/ApiGateway/4XXError",
                        "AWS/ApiGateway/5XXError",
                        "AWS/ApiGateway/Latency");
        for (String metric : List.of(
                "Invocations",
                "InvocationLatency",
                "TimeToFirstToken",
                "InputTokenCount",
                "OutputTokenCount",
                "InvocationThrottles",
                "InvocationClientErrors",
                "InvocationServerErrors")) {
            for (String model : MODELS) {
                assertThat(metrics).contains("AWS/Bedrock/" + metric + "/" + model);
            }
        }
        assertThat(body.toString()).contains("\"stat\":\"p50\"").contains("\"stat\":\"p99\"");
    }

    @Test
    void alarmsMailTheOperatorsThroughAnEncryptedTopic() {
        String topic = template.getResourceId("AWS::SNS::Topic");
        template.resourceCountIs("AWS::CloudWatch::Alarm", 5);
        template.allResourcesProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "AlarmActions", List.of(Map.of("Ref", topic)),
                        "OKActions", List.of(Map.of("Ref", topic)),
                        "TreatMissingData", "notBreaching"));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("Namespace", "AWS/Lambda", "MetricName", "Errors", "Threshold", 1));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("Namespace", "AWS/Lambda", "MetricName", "Throttles"));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("Namespace", "AWS/ApiGateway", "MetricName", "5XXError"));
        template.hasResourceProperties(
                "AWS::CloudWatch::Alarm",
                Map.of(
                        "Namespace",
                        "AWS/ApiGateway",
                        "MetricName",
                        "Latency",
                        "ExtendedStatistic",
                        "p99",
                        "Threshold",
                        config.function().timeoutSeconds() * 1000 * 0.8));

        template.hasResourceProperties("AWS::SNS::Topic", Map.of("KmsMasterKeyId", Match.anyValue()));
        template.hasResourceProperties("AWS::KMS::Key", Map.of("EnableKeyRotation", true));
        template.hasResourceProperties(
                "AWS::SNS::TopicPolicy",
                Map.of(
                        "PolicyDocument",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                        "Effect",
                                        "Deny",
                                        "Condition",
                                        Map.of("Bool", Map.of("aws:SecureTransport", "false")))))))));
        template.hasResourceProperties(
                "AWS::SNS::Subscription",
                Map.of("Protocol", "email", "Endpoint", config.alarmEmail(), "TopicArn", Map.of("Ref", topic)));
    }

    @Test
    void cloudWatchMayPublishThisAccountsAlarmsToTheTopic() {
        String topic = template.getResourceId("AWS::SNS::Topic");
        Map<String, Object> policy = properties(only(template.findResources("AWS::SNS::TopicPolicy")));
        assertThat(policy.get("Topics")).isEqualTo(List.of(Map.of("Ref", topic)));

        List<Map<String, Object>> allows = statements(policy.get("PolicyDocument")).stream()
                .filter(statement -> "Allow".equals(statement.get("Effect")))
                .toList();
        assertThat(allows).hasSize(1);
        Map<String, Object> publish = allows.getFirst();
        assertThat(publish)
                .containsEntry("Principal", Map.of("Service", "cloudwatch.amazonaws.com"))
                .containsEntry("Action", "sns:Publish")
                .containsEntry("Resource", Map.of("Ref", topic));
        Map<String, Object> condition = map(publish.get("Condition"));
        assertThat(condition).containsOnlyKeys("StringEquals", "ArnLike");
        assertThat(map(condition.get("StringEquals"))).containsExactly(Map.entry("aws:SourceAccount", ACCOUNT));
        assertThat(flatten(map(condition.get("ArnLike")).get("aws:SourceArn")))
                .isEqualTo("arn:aws:cloudwatch:us-east-1:" + ACCOUNT + ":alarm:*");

        // The key still lets CloudWatch encrypt what it publishes.
        template.hasResourceProperties(
                "AWS::KMS::Key",
                Map.of(
                        "KeyPolicy",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                        "Principal", Map.of("Service", "cloudwatch.amazonaws.com"),
                                        "Action", List.of("kms:Decrypt", "kms:GenerateDataKey*"),
                                        "Condition",
                                                Map.of("StringEquals", Map.of("aws:SourceAccount", ACCOUNT)))))))));
    }

    @Test
    void outputsNameTheApiTheBucketAndTheDashboard() {
        template.hasOutput("ApiUrl", Map.of("Value", Match.anyValue()));
        template.hasOutput(
                "ArtifactBucketName",
                Map.of(
                        "Value",
                        Map.of(
                                "Ref",
                                template.getResourceId(
                                        "AWS::S3::Bucket",
                                        Map.of(
                                                "Properties",
                                                Map.of("VersioningConfiguration", Map.of("Status", "Enabled")))))));
        template.hasOutput(
                "DashboardUrl",
                Map.of(
                        "Value",
                        "https://us-east-1.console.aws.amazon.com/cloudwatch/home?region=us-east-1#dashboards:name=chat-dev"));
        assertThat(flatten(map(template.findOutputs("ApiUrl").get("ApiUrl")).get("Value")))
                .matches("https://\\$\\{ApiRestApi.*}\\.execute-api\\.us-east-1\\."
                        + "\\$\\{AWS::URLSuffix}/\\$\\{ApiRestApi.*}/");
    }

    @Test
    void everyTaggableResourceCarriesProjectAndEnvironment() {
        // Resources of aws-cdk-lib's custom-resource providers take the stack's tags when deployed.
        assertThat(properties(chatFunction()).get("Tags"))
                .isEqualTo(List.of(
                        Map.of("Key", "environment", "Value", "dev"),
                        Map.of("Key", "project", "Value", "bedrock-chat")));
        for (String type : List.of(
                "AWS::S3::Bucket",
                "AWS::EC2::VPC",
                "AWS::Logs::LogGroup",
                "AWS::SNS::Topic",
                "AWS::KMS::Key",
                "AWS::ApiGateway::RestApi",
                "AWS::EC2::SecurityGroup",
                "AWS::EC2::Subnet",
                "AWS::EC2::VPCEndpoint",
                "AWS::CloudWatch::Alarm")) {
            template.allResourcesProperties(
                    type,
                    Map.of(
                            "Tags",
                            Match.arrayWith(List.of(
                                    Map.of("Key", "environment", "Value", "dev"),
                                    Map.of("Key", "project", "Value", "bedrock-chat")))));
        }
        assertThat(app.stacks().backend().getTags().tagValues())
                .containsEntry("project", "bedrock-chat")
                .containsEntry("environment", "dev");
    }

    private String secret(String idPrefix) {
        return template.findResources("AWS::SecretsManager::Secret").keySet().stream()
                .filter(id -> id.startsWith(idPrefix + "Secret"))
                .findFirst()
                .orElseThrow();
    }

    private Map<String, Object> chatRole() {
        return only(template.findResources(
                "AWS::IAM::Role",
                Map.of(
                        "Properties",
                        Map.of(
                                "Policies",
                                Match.arrayWith(List.of(Match.objectLike(Map.of("PolicyName", "BedrockModels"))))))));
    }

    private Map<String, Object> chatFunction() {
        return only(template.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25"))));
    }

    private String logGroupOfFunction() {
        return template.findResources("AWS::Logs::LogGroup").keySet().stream()
                .filter(id -> id.startsWith("ChatLogs"))
                .findFirst()
                .orElseThrow();
    }

    private List<Map<String, Object>> rolePolicy(String name) {
        return Cfn.list(properties(chatRole()).get("Policies")).stream()
                .filter(policy -> name.equals(map(policy).get("PolicyName")))
                .findFirst()
                .map(policy -> statements(map(policy).get("PolicyDocument")))
                .orElseThrow(() -> new AssertionError("the role has no policy " + name));
    }

    private static List<Map<String, Object>> statements(Object document) {
        if (document == null) {
            return List.of();
        }
        return Cfn.list(map(document).get("Statement")).stream().map(Cfn::map).toList();
    }
}
