package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.ChatStacks;
import dev.bedrockchat.infra.DeploymentArtifacts;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.PipelineConfig;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.storage.AccessLogBucket;
import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.pipelines.CodePipelineSource;
import software.amazon.awscdk.pipelines.ConnectionSourceOptions;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * {@value #STACK_NAME}, deployed once into the tooling account: the delivery pipeline from a commit to production,
 * its build cache, test reports, logs and notifications. Wiring only.
 */
public final class PipelineStack extends Stack {
    public static final String STACK_NAME = "Chat-Pipeline";

    private final List<ChatStage> stages = new ArrayList<>();

    /**
     * @param config    the pipeline and the environments it deploys
     * @param artifacts the function package and page of this build, which every stage deploys
     * @param versions  the function's version (for the smoke tests) and the pinned CDK CLI's
     */
    public PipelineStack(
            Construct scope, PipelineConfig config, DeploymentArtifacts artifacts, BuildVersions versions) {
        super(
                scope,
                STACK_NAME,
                StackProps.builder()
                        .stackName(STACK_NAME)
                        .env(Environment.builder()
                                .account(config.account())
                                .region(config.region())
                                .build())
                        .description("Bedrock chat: delivery pipeline from " + config.repository() + " ("
                                + config.branch() + ") through " + String.join(", ", stageNames(config)))
                        .tags(Ordered.map("project", ChatStacks.PROJECT))
                        .terminationProtection(true)
                        .build());
        Retention retention = new Retention(config.logRetentionDays(), false);
        Bucket accessLogs =
                new AccessLogBucket(this, "AccessLogs", new AccessLogBucket.Props(retention, false)).bucket();
        BuildCache cache = new BuildCache(this, "BuildCache", new BuildCache.Props(accessLogs));
        TestReports reports = new TestReports(this, "TestReports");
        CodePipelineSource source = CodePipelineSource.connection(
                config.repository(),
                config.branch(),
                ConnectionSourceOptions.builder()
                        .connectionArn(config.connectionArn())
                        .build());

        DeliveryPipeline delivery = new DeliveryPipeline(
                this,
                "Delivery",
                new DeliveryPipeline.Props(
                        SynthStep.create(source, cache, reports),
                        versions.cdkCli(),
                        retention.logGroup(this, "BuildLogs")));
        for (EnvironmentConfig environment : config.stages()) {
            ChatStage stage = new ChatStage(this, environment, artifacts);
            delivery.promoteTo(
                    stage, environment.delivery().approval(), SmokeTest.after(stage, source, versions.function()));
            stages.add(stage);
        }
        Pipeline pipeline = delivery.build(accessLogs, config.logRetentionDays());
        cache.acknowledgeUseBy(delivery.codePipeline().getSynthProject());
        new PipelineNotifications(
                this, "Notifications", new PipelineNotifications.Props(config.alarmEmail(), pipeline));

        CfnOutput.Builder.create(this, "PipelineUrl")
                .description("The pipeline in the CodePipeline console")
                .value("https://" + config.region() + ".console.aws.amazon.com/codesuite/codepipeline/pipelines/"
                        + DeliveryPipeline.PIPELINE_NAME + "/view?region=" + config.region())
                .build();
    }

    private static List<String> stageNames(PipelineConfig config) {
        return config.stages().stream().map(EnvironmentConfig::name).toList();
    }

    public List<ChatStage> stages() {
        return List.copyOf(stages);
    }
}
