package dev.bedrockchat.infra.stacks;

import static dev.bedrockchat.infra.support.Cfn.flatten;
import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.only;
import static dev.bedrockchat.infra.support.Cfn.properties;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.support.ApiMethods;
import dev.bedrockchat.infra.support.Cfn;
import dev.bedrockchat.infra.support.Synthesized;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/**
 * Settings that change what is built: buffered answers, a custom domain, retained data, the account's API Gateway
 * role, the warm-up, a trail, per-model Regions, a Region other than us-east-1. Every variant is synthesized with
 * cdk-nag, as the app does: a finding fails it.
 */
class VariantsTest {

    @Test
    @SuppressWarnings("unchecked")
    void withoutStreamingTheJavaHandlerAnswersBufferedWithinTheApiLimit() {
        Template backend = Synthesized.variant("buffered", "dev", dev -> {
                    Map<String, Object> function = (Map<String, Object>) dev.get("function");
                    function.put("streaming", false);
                    function.remove("webAdapterLayerVersion");
                    function.put("modelTimeoutSeconds", 25);
                })
                .backend();

        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        assertThat(function)
                .containsEntry("Handler", ChatFunction.BUFFERED_HANDLER)
                .doesNotContainKey("Layers");
        assertThat(map(map(function.get("Environment")).get("Variables")))
                .doesNotContainKeys(
                        "AWS_LAMBDA_EXEC_WRAPPER",
                        "AWS_LWA_INVOKE_MODE",
                        "AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH",
                        "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH",
                        "PORT")
                // The managed runtime's JVM takes the same settings as the one run.sh starts.
                .containsEntry("JAVA_TOOL_OPTIONS", ChatFunction.JAVA_TOOL_OPTIONS)
                .containsEntry("CHAT_MODE", "bedrock")
                // A whole answer ends (saved, with its error) before API Gateway's 29 s limit cuts it off.
                .containsEntry("ANSWER_TIMEOUT_SECONDS", "24");

        Map<String, Object> integration =
                map(ApiMethods.of(backend, "ANY /api/{proxy+}").get("Integration"));
        // /v1 answers the same way.
        assertThat(ApiMethods.of(backend, "ANY /v1/{proxy+}").get("Integration"))
                .isEqualTo(integration);
        assertThat(integration)
                .containsEntry("ResponseTransferMode", "BUFFERED")
                .containsEntry("TimeoutInMillis", 29_000);
        // The latency alarm follows the buffered limit, not the function's longer timeout.
        backend.hasResourceProperties(
                "AWS::CloudWatch::Alarm", Map.of("MetricName", "Latency", "Threshold", 29_000 * 0.8));
        assertThat(flatten(integration.get("Uri")))
                .contains("/2015-03-31/functions/")
                .endsWith("/invocations");
    }

    @Test
    @SuppressWarnings("unchecked")
    void withoutSnapStartTheAdapterHasNoSnapshotHooksToCall() {
        Template backend = Synthesized.variant(
                        "no-snapstart",
                        "dev",
                        dev -> ((Map<String, Object>) dev.get("function")).put("snapStart", false))
                .backend();

        Map<String, Object> function = properties(only(
                backend.findResources("AWS::Lambda::Function", Map.of("Properties", Map.of("Runtime", "java25")))));
        assertThat(function).doesNotContainKey("SnapStart");
        assertThat(map(map(function.get("Environment")).get("Variables")))
                .doesNotContainKeys("AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH", "AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH")
                .containsEntry("AWS_LWA_INVOKE_MODE", "response_stream")
                .containsEntry("JAVA_TOOL_OPTIONS", ChatFunction.JAVA_TOOL_OPTIONS);
    }

    @Test
    void aCustomDomainGetsItsCertificateAndTls12() {
        String certificate = "arn:aws:acm:us-east-1:111122223333:certificate/0e1f2a3b-4c5d-6e7f-8a9b-0c1d2e3f4a5b";
        Template web = Synthesized.variant(
                        "custom-domain",
                        "dev",
                        dev -> dev.put(
                                "customDomain", Map.of("name", "chat.example.com", "certificateArn", certificate)))
                .web();

        web.hasResourceProperties(
                "AWS::CloudFront::Distribution",
                Map.of(
                        "DistributionConfig",
                        Match.objectLike(Map.of(
                                "Aliases", List.of("chat.example.com"),
                                "ViewerCertificate",
                                        Map.of(
                                                "AcmCertificateArn",
                                                certificate,
                                                "MinimumProtocolVersion",
                                                "TLSv1.2_2021",
                                                "SslSupportMethod",
                                                "sni-only")))));
        web.hasOutput("CloudFrontUrl", Map.of("Value", "https://chat.example.com"));
    }

    @Test
    void stagingAndProdKeepTheirDataWhenDeletedAndDevDoesNot() {
        for (String name : List.of("staging", "prod")) {
            Synthesized app = Synthesized.environment(name);
            Template backend = app.backend();
            backend.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Retain"));
            backend.allResources("AWS::Logs::LogGroup", Map.of("DeletionPolicy", "Retain"));
            backend.resourceCountIs("Custom::S3AutoDeleteObjects", 0);
            assertThat(app.stacks().backend().getTerminationProtection()).isTrue();
        }
        Template dev = Synthesized.environment("dev").backend();
        dev.allResources("AWS::S3::Bucket", Map.of("DeletionPolicy", "Delete"));
        // dev reserves no concurrency: a new account's whole (small) limit stays available.
        dev.hasResourceProperties(
                "AWS::Lambda::Function", Map.of("Runtime", "java25", "ReservedConcurrentExecutions", Match.absent()));
        assertThat(Synthesized.environment("dev").stacks().backend().getTerminationProtection())
                .isFalse();
    }

    @Test
    void withoutTheAccountRoleTheStackLeavesTheAccountsSettingAlone() {
        Template backend = Synthesized.variant("no-account-role", "dev", dev -> dev.put("apiGatewayAccountRole", false))
                .backend();

        backend.resourceCountIs("AWS::ApiGateway::Account", 0);
        assertThat(backend.findResources(
                        "AWS::IAM::Role",
                        Map.of(
                                "Properties",
                                Map.of(
                                        "AssumeRolePolicyDocument",
                                        Map.of(
                                                "Statement",
                                                Match.arrayWith(List.of(Match.objectLike(Map.of(
                                                        "Principal",
                                                        Map.of("Service", "apigateway.amazonaws.com"))))))))))
                .isEmpty();
        assertThat(only(backend.findResources("AWS::ApiGateway::Stage"))).doesNotContainKey("DependsOn");
        // Logging stays on: it uses the role the account already has.
        backend.hasResourceProperties(
                "AWS::ApiGateway::Stage", Map.of("AccessLogSetting", Map.of("DestinationArn", Match.anyValue())));
    }

    @Test
    @SuppressWarnings("unchecked")
    void productionHasNoWarmUpUnlessItAsksAndOthersCanTurnItOff() {
        Synthesized.environment("prod").backend().resourceCountIs("AWS::Scheduler::Schedule", 0);
        Synthesized.environment("staging").backend().resourceCountIs("AWS::Scheduler::Schedule", 1);
        Synthesized.variant(
                        "dev-no-warm-up",
                        "dev",
                        dev -> ((Map<String, Object>) dev.get("function")).put("warmUp", false))
                .backend()
                .resourceCountIs("AWS::Scheduler::Schedule", 0);
    }

    @Test
    void anOptionalTrailRecordsTheRegionWithValidatedLogFilesInALockedBucket() {
        Synthesized dev = Synthesized.environment("dev");
        dev.backend().resourceCountIs("AWS::CloudTrail::Trail", 0);

        Synthesized withTrail = Synthesized.variant("cloud-trail", "dev", env -> env.put("cloudTrail", true));
        Template backend = withTrail.backend();
        Map<String, Object> trail = properties(only(backend.findResources("AWS::CloudTrail::Trail")));
        assertThat(trail)
                .containsEntry("IsMultiRegionTrail", false)
                .containsEntry("EnableLogFileValidation", true)
                .containsEntry("IsLogging", true)
                .containsEntry("IncludeGlobalServiceEvents", true);
        String bucket = (String) map(trail.get("S3BucketName")).get("Ref");
        Map<String, Object> bucketResource =
                backend.findResources("AWS::S3::Bucket").get(bucket);
        assertThat(bucketResource).containsEntry("DeletionPolicy", "Delete");
        Map<String, Object> bucketProperties = properties(bucketResource);
        assertThat(bucketProperties)
                .containsEntry(
                        "BucketEncryption",
                        Map.of(
                                "ServerSideEncryptionConfiguration",
                                List.of(Map.of("ServerSideEncryptionByDefault", Map.of("SSEAlgorithm", "AES256")))))
                .containsEntry(
                        "PublicAccessBlockConfiguration",
                        Map.of(
                                "BlockPublicAcls", true,
                                "BlockPublicPolicy", true,
                                "IgnorePublicAcls", true,
                                "RestrictPublicBuckets", true))
                .containsEntry(
                        "OwnershipControls", Map.of("Rules", List.of(Map.of("ObjectOwnership", "BucketOwnerEnforced"))))
                .containsEntry("VersioningConfiguration", Map.of("Status", "Enabled"));
        assertThat(map(bucketProperties.get("LoggingConfiguration"))).containsEntry("LogFilePrefix", "trail-bucket/");
        int days = withTrail.config().logRetentionDays();
        assertThat(map(bucketProperties.get("LifecycleConfiguration")).get("Rules"))
                .isEqualTo(List.of(Map.of(
                        "Id",
                        "ExpireTrailLogs",
                        "Status",
                        "Enabled",
                        "ExpirationInDays",
                        days,
                        "NoncurrentVersionExpiration",
                        Map.of("NoncurrentDays", days),
                        "AbortIncompleteMultipartUpload",
                        Map.of("DaysAfterInitiation", 1))));
        // TLS only, and CloudTrail writes only for this trail.
        backend.hasResourceProperties(
                "AWS::S3::BucketPolicy",
                Map.of(
                        "Bucket",
                        Map.of("Ref", bucket),
                        "PolicyDocument",
                        Map.of(
                                "Statement",
                                Match.arrayWith(List.of(
                                        Match.objectLike(Map.of(
                                                "Effect",
                                                "Deny",
                                                "Condition",
                                                Map.of("Bool", Map.of("aws:SecureTransport", "false")))),
                                        Match.objectLike(Map.of(
                                                "Effect", "Allow",
                                                "Principal", Map.of("Service", "cloudtrail.amazonaws.com"),
                                                "Action", "s3:PutObject")))))));
    }

    @Test
    @SuppressWarnings("unchecked")
    void aProfileWithRegionsOfItsOwnIsGrantedThereAndOthersInTheirPrefixsRegions() {
        String claude = "us.anthropic.claude-haiku-4-5-20251001-v1:0";
        Template backend = Synthesized.variant("destination-regions", "dev", dev -> {
                    Map<String, Object> models = (Map<String, Object>) dev.get("models");
                    models.put("allowed", List.of("us.amazon.nova-lite-v1:0", claude));
                    models.put(
                            "destinationRegions",
                            Map.of(claude, List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2")));
                })
                .backend();

        Map<String, Object> role = only(
                backend.findResources("AWS::IAM::Role", Map.of("Properties", Map.of("RoleName", "Chat-Dev-Function"))));
        Map<String, Object> routed = Cfn.list(properties(role).get("Policies")).stream()
                .map(Cfn::map)
                .filter(policy -> "BedrockModels".equals(policy.get("PolicyName")))
                .flatMap(policy -> Cfn.list(map(policy.get("PolicyDocument")).get("Statement")).stream())
                .map(Cfn::map)
                .filter(statement -> "InvokeModelsThroughInferenceProfiles".equals(statement.get("Sid")))
                .findFirst()
                .orElseThrow();
        assertThat(Cfn.strings(routed.get("Resource")))
                .containsExactlyInAnyOrder(
                        "arn:aws:bedrock:us-east-1::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/amazon.nova-lite-v1:0",
                        "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-east-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-west-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
                        "arn:aws:bedrock:us-west-2::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0");
    }

    @Test
    @SuppressWarnings("unchecked")
    void anEnvironmentOutsideUsEast1KeepsItsBudgetInUsEast1WithoutReferences() {
        Synthesized app = Synthesized.variant("eu-west-1", "dev", dev -> {
            dev.put("region", "eu-west-1");
            Map<String, Object> models = (Map<String, Object>) dev.get("models");
            models.put("allowed", List.of("eu.amazon.nova-lite-v1:0"));
            models.put("default", "eu.amazon.nova-lite-v1:0");
        });

        assertThat(app.stacks().backend().getRegion()).isEqualTo("eu-west-1");
        assertThat(app.stacks().web().getRegion()).isEqualTo("eu-west-1");
        assertThat(app.stacks().cost().getRegion()).isEqualTo("us-east-1");
        // Deployed after the backend (its guard names the function's role), with no reference to it.
        assertThat(app.stacks().cost().getDependencies())
                .containsExactly(app.stacks().backend());
        assertThat(app.stacks().cost().functionRoleName()).isEqualTo("Chat-Dev-Function");
        app.cost().resourceCountIs("AWS::Budgets::Budget", 1);
        // The web stack imports the backend's API (same Region); the cost stack imports nothing.
        assertThat(app.cost().toJSON().toString()).doesNotContain("Fn::ImportValue", "Fn::GetStackOutput");
        assertThat(app.stacks().web().getDependencies())
                .containsExactly(app.stacks().backend());
    }
}
