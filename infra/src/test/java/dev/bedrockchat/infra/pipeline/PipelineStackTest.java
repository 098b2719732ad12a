package dev.bedrockchat.infra.pipeline;

import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.support.AuthConfigAsset;
import dev.bedrockchat.infra.support.CdkJson;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.PipelineSynthesized;
import dev.bedrockchat.infra.support.Synthesized;
import dev.bedrockchat.infra.support.TestArtifacts;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.PolicyValidationPluginReport;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The pipeline of the real cdk.json ({@code -c pipeline=true}) and of variants of it. */
class PipelineStackTest {
    private static final Path README = Path.of("../README.md");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static PipelineSynthesized pipeline() {
        return PipelineSynthesized.fromCdkJson();
    }

    @Test
    void theSourceIsTheConfiguredRepositoryAndBranchThroughTheConnection() {
        Map<String, Object> source = only(actions(pipeline().template(), "Source"));

        assertThat(map(source.get("ActionTypeId")))
                .containsEntry("Category", "Source")
                .containsEntry("Provider", "CodeStarSourceConnection");
        assertThat(map(source.get("Configuration")))
                .containsEntry("ConnectionArn", pipeline().config().connectionArn())
                .containsEntry("FullRepositoryId", "example-org/bedrock-chat")
                .containsEntry("BranchName", "main");
    }

    @Test
    void theEnvironmentsFollowTheBuildAndTheSelfUpdateInTheOrderOfTheConfiguration() {
        assertThat(stageNames(pipeline().template()))
                .containsExactly("Source", "Build", "UpdatePipeline", "Assets", "Dev", "Staging", "Prod");

        PipelineSynthesized reordered = PipelineSynthesized.variant("staging-then-dev", context -> {
            settings(context).put("stages", List.of("staging", Map.of("env", "dev", "account", "111111111111")));
            // An explicit approval would have to name a stage; prod's default one (production) need not.
            environment(context, "prod").remove("approval");
        });
        assertThat(stageNames(reordered.template()))
                .containsExactly("Source", "Build", "UpdatePipeline", "Assets", "Staging", "Dev");
    }

    @Test
    void anApprovalComesBeforeEachEnvironmentThatAsksForOne() {
        Template template = pipeline().template();
        assertThat(approvals(template, "Dev")).isEmpty();
        assertThat(approvals(template, "Staging")).isEmpty();
        assertThat(approvals(template, "Prod")).hasSize(1);
        assertApprovalFirst(template, "Prod");

        PipelineSynthesized stagingApproved = PipelineSynthesized.variant(
                "staging-approval", context -> environment(context, "staging").put("approval", true));
        assertThat(approvals(stagingApproved.template(), "Dev")).isEmpty();
        assertApprovalFirst(stagingApproved.template(), "Staging");
        assertApprovalFirst(stagingApproved.template(), "Prod");
    }

    private static void assertApprovalFirst(Template template, String stage) {
        Map<String, Object> approval = only(approvals(template, stage));
        assertThat(approval.get("Name")).isEqualTo(DeliveryPipeline.APPROVAL_ID);
        int approvalRun = runOrder(approval);
        List<Map<String, Object>> others = actionsOf(template, stage).stream()
                .filter(action -> !DeliveryPipeline.APPROVAL_ID.equals(action.get("Name")))
                .toList();
        assertThat(others)
                .isNotEmpty()
                .allSatisfy(action -> assertThat(runOrder(action)).isGreaterThan(approvalRun));
    }

    @Test
    void eachStageEndsWithASmokeTestOfItsOwnCloudFrontUrl() throws IOException {
        Template template = pipeline().template();
        for (ChatStage stage : pipeline().stack().stages()) {
            String name = stage.config().title();
            List<Map<String, Object>> actions = actionsOf(template, name);
            Map<String, Object> smoke = actions.stream()
                    .filter(action -> SmokeTest.ID.equals(action.get("Name")))
                    .findFirst()
                    .orElseThrow();
            assertThat(actions)
                    .filteredOn(action -> !SmokeTest.ID.equals(action.get("Name")))
                    .allSatisfy(action -> assertThat(runOrder(action)).isLessThan(runOrder(smoke)));

            // CHAT_URL is the CloudFront URL output of this stage's web stack, read from its deploy action.
            Map<String, Object> webDeploy = actions.stream()
                    .filter(action -> (stage.config().stackPrefix() + "-Web.Deploy").equals(action.get("Name")))
                    .findFirst()
                    .orElseThrow();
            String outputId = stage.stacks()
                    .web()
                    .resolve(stage.stacks().web().cloudFrontUrl().getLogicalId())
                    .toString();
            Map<String, Object> configuration = map(smoke.get("Configuration"));
            List<Map<String, Object>> variables =
                    JSON.readValue((String) configuration.get("EnvironmentVariables"), new TypeReference<>() {});
            assertThat(variables)
                    .containsExactly(Map.of(
                            "name",
                            SmokeTest.URL_VARIABLE,
                            "type",
                            "PLAINTEXT",
                            "value",
                            "#{" + webDeploy.get("Namespace") + "." + outputId + "}"));

            Map<String, Object> project = properties(template.findResources("AWS::CodeBuild::Project")
                    .get(Cfn.flatten(configuration.get("ProjectName")).replaceAll("^\\$\\{(.*)}$", "$1")));
            assertThat(environmentVariables(project))
                    .containsExactlyEntriesOf(orderedMap(
                            "EXPECT_MODE",
                            "bedrock",
                            "EXPECT_MODEL",
                            stage.config().models().defaultModelId(),
                            "EXPECT_VERSION",
                            TestArtifacts.FUNCTION_VERSION,
                            "SMOKE_CHAT",
                            "false"));
            Map<String, Object> buildSpec = buildSpec(project);
            assertThat(phase(buildSpec, "build").get("commands")).isEqualTo(List.of("node scripts/smoke.mjs"));
            assertThat(phase(buildSpec, "install").get("runtime-versions")).isEqualTo(Map.of("nodejs", "22"));
        }
        assertThat(pipeline().stack().stages()).hasSize(3);
        assertThat(Path.of("..").resolve(SmokeTest.SCRIPT)).isRegularFile();
    }

    @Test
    void anEnvironmentThatAllowsItChatsInItsSmokeTest() {
        PipelineSynthesized chatty = PipelineSynthesized.variant("dev-smoke-chat", context -> {
            // Only where nobody signs in can the smoke test chat.
            environment(context, "dev").put("auth", Map.of("mode", "none"));
            environment(context, "dev").put("smokeChat", true);
        });

        Map<String, String> smokeChat = new LinkedHashMap<>();
        chatty.template().findResources("AWS::CodeBuild::Project").forEach((id, project) -> {
            Map<String, String> variables = environmentVariables(properties(project));
            if (variables.containsKey("SMOKE_CHAT")) {
                smokeChat.put(id.replaceAll("^DeliveryPipeline(\\w+?)Smoke.*$", "$1"), variables.get("SMOKE_CHAT"));
            }
        });
        assertThat(smokeChat)
                .containsExactlyInAnyOrderEntriesOf(orderedMap("Dev", "true", "Staging", "false", "Prod", "false"));
    }

    @Test
    void theBuildRunsTheReadmesCommandsOnAmazonLinux2023() throws IOException {
        Map<String, Object> project = synthProject(pipeline().template());
        Map<String, Object> buildSpec = buildSpec(project);

        assertThat(phase(buildSpec, "build").get("commands"))
                .isEqualTo(SynthStep.COMMANDS)
                .isEqualTo(readmePipelineCommands());
        assertThat(map(project.get("Environment")))
                .containsEntry("Image", "aws/codebuild/amazonlinux-x86_64-standard:5.0")
                .containsEntry("ComputeType", "BUILD_GENERAL1_MEDIUM")
                // No Docker: the cloud assembly of this one build carries the function package and the page.
                .containsEntry("PrivilegedMode", false);
        assertThat(phase(buildSpec, "install").get("runtime-versions"))
                .isEqualTo(Map.of("java", "corretto21", "nodejs", "22"));
        assertThat(map(buildSpec.get("artifacts"))).containsEntry("base-directory", "cdk.out");
        assertThat(map(project.get("Source")).get("Type")).isEqualTo("CODEPIPELINE");
    }

    @Test
    void theBuildInstallsWhatTheTestsNeedAndHandsChromiumToTheBrowserTests() throws IOException {
        Map<String, Object> project = synthProject(pipeline().template());
        List<?> install = (List<?>) phase(buildSpec(project), "install").get("commands");

        assertThat(install).isEqualTo(SynthStep.INSTALL_COMMANDS);
        assertThat(String.join("\n", SynthStep.INSTALL_COMMANDS))
                .contains("install --no-shell chromium")
                .contains("export CHROMIUM_PATH=")
                .contains("\"moto[server]==" + SynthStep.MOTO_VERSION + "\"");
        assertThat(environmentVariables(project)).containsEntry("PLAYWRIGHT_BROWSERS_PATH", SynthStep.BROWSERS_PATH);
        // The browser tests read the same variable.
        assertThat(Files.readString(Path.of("../test/browser/support.mjs"))).contains("process.env.CHROMIUM_PATH");
    }

    @Test
    void theTestReportsOfEveryModuleArePublishedAsReportGroups() {
        Template template = pipeline().template();
        Map<String, Object> project = synthProject(template);
        Map<String, Object> reports = map(buildSpec(project).get("reports"));
        String prefix = "arn:aws:codebuild:us-east-1:444444444444:report-group/";

        assertThat(reports)
                .containsExactlyEntriesOf(orderedMap(
                        prefix + "chat-unit-tests",
                        Map.of("files", List.of("**/target/surefire-reports/TEST-*.xml"), "file-format", "JUNITXML"),
                        prefix + "chat-system-tests",
                        Map.of("files", List.of("**/target/failsafe-reports/TEST-*.xml"), "file-format", "JUNITXML")));
        template.resourceCountIs("AWS::CodeBuild::ReportGroup", 2);
        for (String name : List.of("chat-unit-tests", "chat-system-tests")) {
            template.hasResource(
                    "AWS::CodeBuild::ReportGroup",
                    Map.of(
                            "Properties",
                            Map.of("Name", name, "Type", "TEST", "DeleteReports", true),
                            "DeletionPolicy",
                            "Delete"));
        }
        // The build may write its reports into these groups.
        assertThat(statementsOf(template, roleOf(project))).anySatisfy(statement -> {
            assertThat(Cfn.strings(statement.get("Action")))
                    .contains("codebuild:CreateReport", "codebuild:UpdateReport", "codebuild:BatchPutTestCases");
            assertThat(Cfn.strings(statement.get("Resource")))
                    .containsExactlyInAnyOrder(prefix + "chat-unit-tests", prefix + "chat-system-tests");
        });
    }

    @Test
    void mavenAndNpmCachesAreKeptBetweenBuildsInTheCacheBucket() {
        Template template = pipeline().template();
        Map<String, Object> project = synthProject(template);

        assertThat(map(buildSpec(project).get("cache")))
                .isEqualTo(Map.of("paths", List.of("/root/.m2/**/*", "/root/.npm/**/*")));
        Map<String, Object> cache = map(project.get("Cache"));
        assertThat(cache.get("Type")).isEqualTo("S3");
        assertThat(Cfn.flatten(cache.get("Location"))).isEqualTo("${" + cacheBucketId(template) + "}/synth");
        Map<String, Object> bucket =
                properties(template.findResources("AWS::S3::Bucket").get(cacheBucketId(template)));
        assertThat(JSON.valueToTree(bucket.get("LifecycleConfiguration")).toString())
                .contains("\"ExpirationInDays\":" + BuildCache.EXPIRE_AFTER_DAYS);
        assertThat(map(bucket.get("LoggingConfiguration"))).containsEntry("LogFilePrefix", "build-cache/");
    }

    @Test
    void theArtifactKeyIsSharedWithTheEnvironmentsAccountsWhichDeployThroughTheirBootstrapRoles() {
        Template template = pipeline().template();
        Map<String, Object> pipelineResource = properties(only(template.findResources("AWS::CodePipeline::Pipeline")));
        Map<String, Object> store = map(pipelineResource.get("ArtifactStore"));
        assertThat(map(store.get("EncryptionKey")).get("Type")).isEqualTo("KMS");
        String keyId = Cfn.flatten(map(store.get("EncryptionKey")).get("Id")).replaceAll("^\\$\\{(.*)\\.Arn}$", "$1");
        Map<String, Object> key = template.findResources("AWS::KMS::Key").get(keyId);
        assertThat(properties(key)).containsEntry("EnableKeyRotation", true);

        for (ChatStage stage : pipeline().stack().stages()) {
            EnvironmentConfig environment = stage.config();
            String account = environment.account().orElseThrow();
            String deployRole = "arn:${AWS::Partition}:iam::" + account + ":role/cdk-hnb659fds-deploy-role-" + account
                    + "-" + environment.region();
            // Prepare and execute a change set of each stack: backend, web, cost and, where enabled, WAF.
            assertThat(actionsOf(template, environment.title()))
                    .filteredOn(action ->
                            map(action.get("ActionTypeId")).get("Provider").equals("CloudFormation"))
                    .hasSize(2 * stage.stacks().all().size())
                    .allSatisfy(action ->
                            assertThat(Cfn.flatten(action.get("RoleArn"))).isEqualTo(deployRole));
            assertThat(JSON.valueToTree(properties(key).get("KeyPolicy")).toString())
                    .contains(account);
        }
    }

    @Test
    void thePipelineUpdatesItselfWithTheProjectsCdkCliBeforeItDeploys() throws IOException {
        Template template = pipeline().template();
        Map<String, Object> selfMutation = only(actions(template, "UpdatePipeline"));
        assertThat(selfMutation.get("Name")).isEqualTo("SelfMutate");

        String cliVersion = JSON.readTree(Files.readString(Path.of("../package.json")))
                .path("devDependencies")
                .path("aws-cdk")
                .asText();
        Map<String, Object> project = projectOf(template, selfMutation);
        Map<String, Object> buildSpec = buildSpec(project);
        assertThat(phase(buildSpec, "install").get("commands"))
                .isEqualTo(List.of("npm install -g aws-cdk@" + cliVersion));
        assertThat(phase(buildSpec, "build").get("commands"))
                .isEqualTo(
                        List.of("cdk -a . deploy " + PipelineStack.STACK_NAME + " --require-approval=never --verbose"));
        assertThat(properties(only(template.findResources("AWS::CodePipeline::Pipeline"))))
                .containsEntry("Name", DeliveryPipeline.PIPELINE_NAME)
                .containsEntry("PipelineType", "V2")
                .containsEntry("RestartExecutionOnUpdate", true);
    }

    @Test
    void failedExecutionsFailedStagesAndWaitingApprovalsAreMailedThroughAnEncryptedTopic() {
        Template template = pipeline().template();
        Map<String, Object> rule =
                properties(only(template.findResources("AWS::CodeStarNotifications::NotificationRule")));

        assertThat(Cfn.strings(rule.get("EventTypeIds")))
                .containsExactlyInAnyOrder(
                        "codepipeline-pipeline-pipeline-execution-failed",
                        "codepipeline-pipeline-stage-execution-failed",
                        "codepipeline-pipeline-manual-approval-needed");
        String pipelineId = template.findResources("AWS::CodePipeline::Pipeline")
                .keySet()
                .iterator()
                .next();
        assertThat(Cfn.flatten(rule.get("Resource"))).contains(pipelineId);
        String topicId =
                template.findResources("AWS::SNS::Topic").keySet().iterator().next();
        assertThat(Cfn.list(rule.get("Targets")))
                .extracting(target -> Cfn.flatten(map(target).get("TargetAddress")))
                .containsExactly("${" + topicId + "}");

        Map<String, Object> topic =
                properties(template.findResources("AWS::SNS::Topic").get(topicId));
        assertThat(topic).containsKey("KmsMasterKeyId");
        template.hasResourceProperties(
                "AWS::SNS::Subscription", Map.of("Protocol", "email", "Endpoint", "chat-pipeline@example.com"));
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
        // The notification service may use the topic's key, through SNS only.
        template.hasResourceProperties(
                "AWS::KMS::Key",
                Map.of(
                        "KeyPolicy",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                        "Principal", Map.of("Service", "codestar-notifications.amazonaws.com"),
                                        "Condition",
                                                Map.of(
                                                        "StringEquals",
                                                        Map.of("kms:ViaService", "sns.us-east-1.amazonaws.com"))))))),
                        "EnableKeyRotation",
                        true));
    }

    @Test
    void everyBuildStepLogsToTheLogGroupOfThePipelineWithItsRetention() {
        Template template = pipeline().template();
        Map<String, Map<String, Object>> logGroups = template.findResources("AWS::Logs::LogGroup");
        assertThat(logGroups).hasSize(1);
        String logGroup = logGroups.keySet().iterator().next();
        template.hasResourceProperties("AWS::Logs::LogGroup", Map.of("RetentionInDays", 90));
        Map<String, Map<String, Object>> projects = template.findResources("AWS::CodeBuild::Project");
        assertThat(projects).hasSize(6);
        projects.values()
                .forEach(project -> assertThat(Cfn.flatten(
                                map(map(properties(project).get("LogsConfig")).get("CloudWatchLogs"))
                                        .get("GroupName")))
                        .isEqualTo("${" + logGroup + "}"));
    }

    @Test
    void theArtifactBucketLogsItsAccess() {
        Template template = pipeline().template();
        String artifacts = Cfn.flatten(map(properties(only(template.findResources("AWS::CodePipeline::Pipeline")))
                                .get("ArtifactStore"))
                        .get("Location"))
                .replaceAll("^\\$\\{(.*)}$", "$1");
        Map<String, Object> bucket =
                properties(template.findResources("AWS::S3::Bucket").get(artifacts));
        assertThat(map(bucket.get("LoggingConfiguration"))).containsEntry("LogFilePrefix", "pipeline-artifacts/");
    }

    /**
     * A stage deploys the stacks a laptop deploys: the same names, accounts, Regions and resources, with the same
     * properties. CDK derives a few things from the construct path, which in the pipeline starts with the stage: the
     * VPC's Name tags, the tag by which the page's deployment marks its bucket, CloudFront's origin ids, and the
     * logical ids of the
     * security-group rules between the function and the endpoint, of the API's permission to invoke the function and
     * of the function's published version (README, "Environments and pipeline").
     */
    @Test
    void eachStageDeploysTheStacksOfALaptopDeploy() {
        for (ChatStage stage : pipeline().stack().stages()) {
            String name = stage.config().name();
            String account = stage.config().account().orElseThrow();
            // A laptop deploys an environment without an account in cdk.json (dev) into the account of its
            // credentials, which the CLI hands the app; with those of the stage's account it is this variant.
            Synthesized laptop = CdkJson.environment(name).containsKey("account")
                    ? Synthesized.environment(name)
                    : Synthesized.variant(
                            "laptop:" + name + ":" + account, name, settings -> settings.put("account", account));
            List<Stack> stacks = stage.stacks().all();
            assertThat(stacks)
                    .extracting(Stack::getStackName)
                    .isEqualTo(laptop.stacks().all().stream()
                            .map(Stack::getStackName)
                            .toList());
            for (int i = 0; i < stacks.size(); i++) {
                Stack stack = stacks.get(i);
                Stack laptopStack = laptop.stacks().all().get(i);
                assertThat(stack.getAccount()).isEqualTo(laptopStack.getAccount());
                assertThat(stack.getRegion()).isEqualTo(laptopStack.getRegion());
                String stagePath = stage.getNode().getPath() + "/";
                Map<String, Object> fromPipeline =
                        parse(JSON.valueToTree(Template.fromStack(stack).toJSON())
                                .toString()
                                .replace(stagePath, ""));
                Map<String, Object> fromLaptop =
                        map(laptop.templates().get(laptopStack).toJSON());
                assertThat(fromPipeline.get("Outputs")).as(stack.getStackName()).isEqualTo(fromLaptop.get("Outputs"));
                Map<String, Object> resources = map(fromPipeline.get("Resources"));
                Map<String, Object> laptopResources = map(fromLaptop.get("Resources"));
                assertThat(types(resources)).as(stack.getStackName()).isEqualTo(types(laptopResources));
                List<String> renamed = new ArrayList<>();
                resources.forEach((id, resource) -> {
                    if (laptopResources.containsKey(id)) {
                        assertThat(withoutPathDerivedValues(resource))
                                .as("%s %s", stack.getStackName(), id)
                                .isEqualTo(withoutPathDerivedValues(laptopResources.get(id)));
                    } else {
                        renamed.add((String) map(resource).get("Type"));
                    }
                });
                assertThat(renamed)
                        .as("resources whose logical id follows the construct path in %s", stack.getStackName())
                        .allSatisfy(type -> assertThat(type)
                                .isIn(
                                        "AWS::EC2::SecurityGroupIngress",
                                        "AWS::EC2::SecurityGroupEgress",
                                        "AWS::Lambda::Permission",
                                        "AWS::Lambda::Version"));
            }
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, new TypeReference<>() {});
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<String, Long> types(Map<String, Object> resources) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        resources
                .values()
                .forEach(resource -> counts.merge((String) map(resource).get("Type"), 1L, Long::sum));
        return counts;
    }

    /**
     * A resource without what follows the construct path: the alias's reference to the function's published version,
     * the tag by which the page's deployment marks the bucket it owns, and the ids of CloudFront's origins.
     */
    private static String withoutPathDerivedValues(Object resource) {
        return JSON.valueToTree(resource)
                .toString()
                .replaceAll("ChatFunctionCurrentVersion\\w+", "<version>")
                .replaceAll("aws-cdk:cr-owned:[0-9a-f]+", "aws-cdk:cr-owned:<deployment>")
                .replaceAll("\\w+DistributionOrigin\\d[0-9A-F]{8}", "<origin>");
    }

    /**
     * The stages carry what sign-in and the WAF option add: dev its shared token, staging and prod their user pool
     * (kept, with deletion protection, as they retain their data), the page's app client and the page's sign-in
     * settings, and their web ACL in a stack of its own in us-east-1 of the stage's account, which the distribution
     * uses.
     */
    @Test
    void eachStageCarriesTheSignInAndTheWebAclOfItsEnvironment() {
        Map<String, List<String>> stackNames = new LinkedHashMap<>();
        for (ChatStage stage : pipeline().stack().stages()) {
            EnvironmentConfig environment = stage.config();
            String account = environment.account().orElseThrow();
            String name = environment.name();
            Template backend = Template.fromStack(stage.stacks().backend());
            Template web = Template.fromStack(stage.stacks().web());
            stackNames.put(
                    name, stage.stacks().all().stream().map(Stack::getStackName).toList());

            Map<String, Object> signIn =
                    AuthConfigAsset.of(stage.stacks().web(), web).rendered();
            assertThat(signIn.get("mode"))
                    .as(name)
                    .isEqualTo(environment.auth().mode().value());
            if (environment.auth().mode() == EnvironmentConfig.AuthMode.OIDC) {
                Map<String, Object> pool = only(backend.findResources("AWS::Cognito::UserPool"));
                assertThat(properties(pool))
                        .containsEntry("UserPoolName", "chat-" + name)
                        .containsEntry("DeletionProtection", "ACTIVE");
                assertThat(pool).containsEntry("DeletionPolicy", "Retain");
                backend.hasResourceProperties(
                        "AWS::Cognito::UserPoolDomain", Map.of("Domain", "chat-" + name + "-" + account));
                web.hasResourceProperties(
                        "AWS::Cognito::UserPoolClient", Map.of("ClientName", "chat-" + name + "-page"));
                assertThat(signIn.get("authorizationEndpoint"))
                        .isEqualTo("https://chat-" + name + "-" + account
                                + ".auth.us-east-1.amazoncognito.com/oauth2/authorize");
            } else {
                backend.resourceCountIs("AWS::Cognito::UserPool", 0);
                backend.hasOutput("AuthTokenSecretArn", Match.anyValue());
            }
            backend.hasOutput("OriginVerifySecretArn", Match.anyValue());

            Map<String, Object> distribution = map(properties(only(web.findResources("AWS::CloudFront::Distribution")))
                    .get("DistributionConfig"));
            if (environment.waf().enabled()) {
                Stack waf = stage.stacks().waf().orElseThrow();
                assertThat(waf.getAccount()).isEqualTo(account);
                assertThat(waf.getRegion()).isEqualTo("us-east-1");
                Template.fromStack(waf)
                        .hasResourceProperties(
                                "AWS::WAFv2::WebACL", Map.of("Name", "chat-" + name, "Scope", "CLOUDFRONT"));
                assertThat(distribution).containsKey("WebACLId");
            } else {
                assertThat(distribution).doesNotContainKey("WebACLId");
            }
        }
        assertThat(stackNames)
                .containsExactlyEntriesOf(orderedMap(
                        "dev",
                        List.of("Chat-Dev-Backend", "Chat-Dev-Web", "Chat-Dev-Cost"),
                        "staging",
                        List.of("Chat-Staging-Backend", "Chat-Staging-Web", "Chat-Staging-Cost", "Chat-Staging-Waf"),
                        "prod",
                        List.of("Chat-Prod-Backend", "Chat-Prod-Web", "Chat-Prod-Cost", "Chat-Prod-Waf")));
    }

    /**
     * The stages carry what cost control and the programmatic API add: the budget guard in the cost stack (its deny
     * policy, the budget it watches and the stage account's function role it names), the prices and quotas in the
     * function's environment, the InternalErrors alarm, {@code /v1} in the API and in CloudFront. The cost stack names
     * the backend's role, so the stage deploys it after the backend, and the smoke test comes after both.
     */
    @Test
    void eachStageCarriesTheBudgetGuardThePricesAndTheProgrammaticApiOfItsEnvironment() {
        Template template = pipeline().template();
        for (ChatStage stage : pipeline().stack().stages()) {
            EnvironmentConfig environment = stage.config();
            String account = environment.account().orElseThrow();
            String prefix = environment.stackPrefix();
            Template cost = Template.fromStack(stage.stacks().cost());
            Template backend = Template.fromStack(stage.stacks().backend());
            Template web = Template.fromStack(stage.stacks().web());

            String policy = cost.getResourceId("AWS::IAM::ManagedPolicy");
            cost.hasResourceProperties("AWS::IAM::ManagedPolicy", Map.of("ManagedPolicyName", prefix + "-BudgetGuard"));
            assertThat(properties(only(cost.findResources("AWS::Budgets::BudgetsAction"))))
                    .as(prefix)
                    .containsEntry("BudgetName", "chat-" + environment.name() + "-monthly")
                    .containsEntry(
                            "Definition",
                            Map.of(
                                    "IamActionDefinition",
                                    Map.of(
                                            "PolicyArn",
                                            Map.of("Ref", policy),
                                            "Roles",
                                            List.of(prefix + "-Function"))));
            assertThat(JSON.valueToTree(cost.findResources("AWS::IAM::Role")).toString())
                    .contains("arn:aws:iam::" + account + ":role/" + prefix + "-Function");
            backend.hasResourceProperties("AWS::IAM::Role", Map.of("RoleName", prefix + "-Function"));

            Map<String, Object> function = properties(only(
                    backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
            assertThat(map(map(function.get("Environment")).get("Variables")))
                    .as(prefix)
                    .containsEntry("MODEL_PRICES", environment.prices().json())
                    .containsEntry("MODEL_PRICES_TAKEN_ON", environment.prices().takenOn());
            assertThat(backend.findResources("AWS::CloudWatch::Alarm").keySet())
                    .anySatisfy(id -> assertThat(id).startsWith("ObservabilityInternalErrors"));
            backend.hasResourceProperties("AWS::ApiGateway::Resource", Map.of("PathPart", "v1"));
            Map<String, Object> distribution = map(properties(only(web.findResources("AWS::CloudFront::Distribution")))
                    .get("DistributionConfig"));
            assertThat(Cfn.list(distribution.get("CacheBehaviors")))
                    .extracting(behaviour -> map(behaviour).get("PathPattern"))
                    .containsExactly("/api/auth/config", "/api/*", "/v1/*");

            Map<String, Map<String, Object>> actions = actions(template, environment.title());
            int backendDeployed = runOrder(actions.get(prefix + "-Backend.Deploy"));
            assertThat(runOrder(actions.get(prefix + "-Cost.Prepare")))
                    .as(prefix)
                    .isGreaterThan(backendDeployed);
            assertThat(runOrder(actions.get(SmokeTest.ID)))
                    .isGreaterThan(runOrder(actions.get(prefix + "-Cost.Deploy")))
                    .isGreaterThan(runOrder(actions.get(prefix + "-Web.Deploy")));
        }
    }

    @Test
    void cdkNagFindsNothingUnacknowledgedInThePipelineOrItsStages() {
        assertNoFindings(pipeline());
    }

    /**
     * A stage outside us-east-1 gets a support stack, and its web ACL (in us-east-1, as CloudFront requires) reaches
     * its web stack through a cross-Region reference; cdk-nag finds nothing in any of them.
     */
    @Test
    void aStageInAnotherRegionGetsASupportStackAndItsWebAclAcrossRegionsCdkNagCleanToo() {
        PipelineSynthesized europe = PipelineSynthesized.variant("dev-in-europe", context -> {
            Map<String, Object> dev = environment(context, "dev");
            dev.put("region", "eu-west-1");
            dev.put(
                    "models",
                    new LinkedHashMap<>(Map.of(
                            "default", "eu.amazon.nova-lite-v1:0", "allowed", List.of("eu.amazon.nova-lite-v1:0"))));
            dev.put("waf", Map.of("enabled", true, "rateLimitPer5Minutes", 1000));
        });
        ChatStage dev = europe.stack().stages().getFirst();
        Stack waf = dev.stacks().waf().orElseThrow();
        assertThat(waf.getStackName()).isEqualTo("Chat-Dev-Waf");
        assertThat(waf.getRegion()).isEqualTo("us-east-1");
        assertThat(dev.stacks().web().getRegion()).isEqualTo("eu-west-1");
        Template.fromStack(waf).resourceCountIs("Custom::CrossRegionExportWriter", 1);
        Template.fromStack(dev.stacks().web()).resourceCountIs("Custom::CrossRegionExportReader", 1);

        List<Stack> support = ((App) europe.stack().getNode().getRoot())
                .getNode().getChildren().stream()
                        .filter(Stack.class::isInstance)
                        .map(Stack.class::cast)
                        .filter(stack -> !stack.getStackName().equals(PipelineStack.STACK_NAME))
                        .toList();
        assertThat(support).extracting(Stack::getStackName).containsExactly("Chat-Pipeline-support-eu-west-1");
        assertNoFindings(europe);
        assertThat(findings(support.get(0))).isEmpty();
        Template.fromStack(support.get(0))
                .hasResourceProperties(
                        "AWS::S3::Bucket",
                        Map.of(
                                "LoggingConfiguration",
                                Map.of(
                                        "LogFilePrefix",
                                        "pipeline-artifacts/",
                                        "DestinationBucketName",
                                        Match.anyValue())));
    }

    private static void assertNoFindings(PipelineSynthesized app) {
        List<Stack> stacks = new ArrayList<>(List.of(app.stack()));
        app.stack().stages().forEach(stage -> stacks.addAll(stage.stacks().all()));
        for (Stack stack : stacks) {
            assertThat(findings(stack))
                    .as("cdk-nag findings in %s", stack.getNode().getPath())
                    .isEmpty();
        }
    }

    private static List<String> findings(Stack stack) {
        PolicyValidationPluginReport report =
                AwsSolutionsChecks.Builder.create().verbose(false).build().validateScope(stack);
        return report.getViolations().stream()
                .map(violation -> violation.getRuleName() + " at "
                        + violation.getViolatingResources().stream()
                                .map(resource -> resource.getConstructPath())
                                .toList())
                .toList();
    }

    // --- reading the template

    /** The commands of the README's block that follows "The pipeline's build runs". */
    private static List<String> readmePipelineCommands() throws IOException {
        String readme = Files.readString(README);
        String section = readme.substring(readme.indexOf("## Environments and pipeline"));
        String afterLead = section.substring(section.indexOf("The pipeline's build runs"));
        String block = afterLead.substring(afterLead.indexOf("```bash\n") + "```bash\n".length());
        return block.substring(0, block.indexOf("```"))
                .lines()
                .map(line -> line.replaceAll("\\s+#.*$", "").strip())
                .filter(line -> !line.isEmpty())
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> stages(Template template) {
        return (List<Map<String, Object>>) properties(only(template.findResources("AWS::CodePipeline::Pipeline")))
                .get("Stages");
    }

    private static List<String> stageNames(Template template) {
        return stages(template).stream()
                .map(stage -> (String) stage.get("Name"))
                .toList();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> actionsOf(Template template, String stage) {
        return stages(template).stream()
                .filter(candidate -> stage.equals(candidate.get("Name")))
                .findFirst()
                .map(found -> (List<Map<String, Object>>) found.get("Actions"))
                .orElseThrow(() -> new AssertionError("no stage " + stage + " in " + stageNames(template)));
    }

    private static Map<String, Map<String, Object>> actions(Template template, String stage) {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        actionsOf(template, stage).forEach(action -> byName.put((String) action.get("Name"), action));
        return byName;
    }

    private static Map<String, Map<String, Object>> approvals(Template template, String stage) {
        Map<String, Map<String, Object>> found = new LinkedHashMap<>();
        actions(template, stage).forEach((name, action) -> {
            if ("Manual".equals(map(action.get("ActionTypeId")).get("Provider"))) {
                found.put(name, action);
            }
        });
        return found;
    }

    private static int runOrder(Map<String, Object> action) {
        return ((Number) action.get("RunOrder")).intValue();
    }

    private static Map<String, Object> projectOf(Template template, Map<String, Object> action) {
        String id =
                Cfn.flatten(map(action.get("Configuration")).get("ProjectName")).replaceAll("^\\$\\{(.*)}$", "$1");
        return properties(template.findResources("AWS::CodeBuild::Project").get(id));
    }

    private static Map<String, Object> synthProject(Template template) {
        return projectOf(template, only(actions(template, "Build")));
    }

    private static Map<String, Object> buildSpec(Map<String, Object> project) {
        try {
            return JSON.readValue((String) map(project.get("Source")).get("BuildSpec"), new TypeReference<>() {});
        } catch (IOException e) {
            throw new AssertionError("build spec is not JSON: " + project.get("Source"), e);
        }
    }

    private static Map<String, Object> phase(Map<String, Object> buildSpec, String name) {
        return map(map(buildSpec.get("phases")).get(name));
    }

    private static Map<String, String> environmentVariables(Map<String, Object> project) {
        Map<String, String> variables = new LinkedHashMap<>();
        Cfn.list(map(project.get("Environment")).get("EnvironmentVariables"))
                .forEach(variable -> variables.put(
                        (String) map(variable).get("Name"),
                        Cfn.flatten(map(variable).get("Value"))));
        return variables;
    }

    private static String roleOf(Map<String, Object> project) {
        return Cfn.flatten(project.get("ServiceRole")).replaceAll("^\\$\\{(.*)\\.Arn}$", "$1");
    }

    private static List<Map<String, Object>> statementsOf(Template template, String roleId) {
        List<Map<String, Object>> statements = new ArrayList<>();
        template.findResources("AWS::IAM::Policy").values().stream()
                .filter(policy -> Cfn.strings(properties(policy).get("Roles")).contains("${" + roleId + "}"))
                .sorted(Comparator.comparing(Object::toString))
                .forEach(policy -> Cfn.list(
                                map(properties(policy).get("PolicyDocument")).get("Statement"))
                        .forEach(statement -> statements.add(map(statement))));
        return statements;
    }

    private static String cacheBucketId(Template template) {
        return template.findResources(
                        "AWS::S3::Bucket",
                        Map.of(
                                "Properties",
                                Map.of(
                                        "LifecycleConfiguration",
                                        Match.objectLike(Map.of(
                                                "Rules",
                                                List.of(Match.objectLike(Map.of("Id", "ExpireStaleCaches"))))))))
                .keySet()
                .iterator()
                .next();
    }

    private static <V> Map<String, V> orderedMap(Object... entries) {
        Map<String, V> map = new LinkedHashMap<>();
        for (int i = 0; i < entries.length; i += 2) {
            @SuppressWarnings("unchecked")
            V value = (V) entries[i + 1];
            map.put((String) entries[i], value);
        }
        return map;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> settings(Map<String, Object> context) {
        return (Map<String, Object>) context.get("pipelineSettings");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> context, String name) {
        return (Map<String, Object>) ((Map<String, Object>) context.get("environments")).get(name);
    }
}
