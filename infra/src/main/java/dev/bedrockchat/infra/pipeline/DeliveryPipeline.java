package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.storage.AccessLogBucket;
import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awscdk.CfnElement;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.pipelines.AddStageOpts;
import software.amazon.awscdk.pipelines.CodeBuildOptions;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.CodePipeline;
import software.amazon.awscdk.pipelines.IFileSetProducer;
import software.amazon.awscdk.pipelines.ManualApprovalStep;
import software.amazon.awscdk.pipelines.Step;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.IProject;
import software.amazon.awscdk.services.codebuild.LoggingOptions;
import software.amazon.awscdk.services.codepipeline.CrossRegionSupport;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.logs.ILogGroup;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.CfnBucket;
import software.amazon.awscdk.services.s3.IBucket;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * The CDK pipeline: source, the one build ({@link SynthStep}), then one stage per environment in order, each behind an
 * approval where the environment asks for one and followed by its smoke test. It updates itself first (self-mutation),
 * publishes the build's assets into each environment's account, and deploys there through the roles that account's
 * bootstrap trusts the tooling account with; the artifact bucket's key is shared with those accounts
 * ({@code crossAccountKeys}).
 */
public final class DeliveryPipeline extends Construct {
    public static final String PIPELINE_NAME = "chat";
    public static final String APPROVAL_ID = "Approve";

    /**
     * @param synth         the build
     * @param cdkCliVersion the CDK CLI the pipeline's own steps (self-mutation, assets) install
     * @param buildLogs     the log group of every CodeBuild step
     */
    public record Props(IFileSetProducer synth, String cdkCliVersion, ILogGroup buildLogs) {}

    private final CodePipeline pipeline;
    private final List<CodeBuildStep> smokeTests = new ArrayList<>();

    public DeliveryPipeline(Construct scope, String id, Props props) {
        super(scope, id);
        pipeline = CodePipeline.Builder.create(this, "Pipeline")
                .pipelineName(PIPELINE_NAME)
                .synth(props.synth())
                .crossAccountKeys(true)
                .enableKeyRotation(true)
                .selfMutation(true)
                .dockerEnabledForSynth(false)
                .dockerEnabledForSelfMutation(false)
                .publishAssetsInParallel(false)
                .cliVersion(props.cdkCliVersion())
                .codeBuildDefaults(CodeBuildOptions.builder()
                        .buildEnvironment(BuildEnvironment.builder()
                                .buildImage(SynthStep.IMAGE)
                                .computeType(ComputeType.SMALL)
                                .build())
                        .partialBuildSpec(BuildSpec.fromObject(
                                Ordered.map("phases", SynthStep.installPhase(SynthStep.NODE_RUNTIME))))
                        .logging(LoggingOptions.builder()
                                .cloudWatch(CloudWatchLoggingOptions.builder()
                                        .logGroup(props.buildLogs())
                                        .build())
                                .build())
                        .build())
                .build();
    }

    /**
     * Adds {@code stage} after the ones added before.
     *
     * @param approval whether a person approves the promotion first
     * @param smoke    the check after the deployment
     */
    public void promoteTo(ChatStage stage, boolean approval, CodeBuildStep smoke) {
        List<Step> pre = approval
                ? List.of(ManualApprovalStep.Builder.create(APPROVAL_ID)
                        .comment("Promote this build to " + stage.config().name() + ": it passed the tests and the"
                                + " smoke test of every earlier stage")
                        .build())
                : List.of();
        pipeline.addStage(
                stage, AddStageOpts.builder().pre(pre).post(List.of(smoke)).build());
        smokeTests.add(smoke);
    }

    /**
     * Builds the pipeline (no stage can be added after this) and logs the access to its artifact bucket.
     *
     * @param accessLogs       where the artifact bucket's server access logs go
     * @param logRetentionDays how long the access logs of replication buckets in other Regions are kept
     */
    public Pipeline build(IBucket accessLogs, int logRetentionDays) {
        pipeline.buildPipeline();
        Pipeline built = pipeline.getPipeline();
        logAccess(built.getArtifactBucket(), accessLogs);
        acknowledgeGrantsOfCdkPipelines(built);
        built.getCrossRegionSupport().forEach((region, support) -> supportRegion(built, support, logRetentionDays));
        return built;
    }

    /**
     * A Region other than the pipeline's that a stage deploys to (the cost stack is always in us-east-1) gets a
     * support stack from CodePipeline: a replication bucket for the artifacts, with a key known by its alias. The
     * bucket logs its access into a log bucket beside it (S3 delivers logs within a Region); both are kept when the
     * support stack goes, like the artifact bucket.
     */
    private void supportRegion(Pipeline built, CrossRegionSupport support, int logRetentionDays) {
        IBucket replication = support.getReplicationBucket();
        Bucket logs = new AccessLogBucket(
                        support.getStack(),
                        "AccessLogs",
                        new AccessLogBucket.Props(new Retention(logRetentionDays, true), false))
                .bucket();
        logAccess(replication, logs);
        Object name = Stack.of(this).resolve(replication.getBucketName());
        Acknowledge.rule(
                pipeline,
                "AwsSolutions-IAM5[Resource::arn:" + Stack.of(this).getPartition() + ":s3:::" + name + "/*]",
                "CodePipeline passes artifacts to the actions of "
                        + support.getStack().getRegion() + " as objects"
                        + " under generated keys of its replication bucket there; the roles may only use that bucket");
        Acknowledge.rule(
                built.getRole(),
                "AwsSolutions-IAM5[Resource::*]",
                "aws-cdk-lib knows the replication buckets' keys by their aliases only, so it grants the pipeline's"
                        + " role encrypt and decrypt on any key; each key's own policy admits the role to itself alone");
    }

    /**
     * The wildcards in the policies CDK Pipelines writes for its roles. Each is scoped to resources of this pipeline
     * alone (its artifact bucket and key, the log and report groups named after its own projects) or, for the
     * bootstrap roles, by their tag; nothing here reaches the environments' data.
     */
    private void acknowledgeGrantsOfCdkPipelines(Pipeline built) {
        Acknowledge.rule(
                pipeline,
                "AwsSolutions-IAM5[Resource::" + Acknowledge.arnOf(built.getArtifactBucket()) + "/*]",
                "CodePipeline passes artifacts between actions as objects under generated keys of the pipeline's own"
                        + " artifact bucket; each role may only read or write objects of that bucket");
        for (String action : List.of("s3:Abort*", "s3:DeleteObject*", "s3:GetBucket*", "s3:GetObject*", "s3:List*")) {
            Acknowledge.rule(
                    pipeline,
                    "AwsSolutions-IAM5[Action::" + action + "]",
                    "aws-cdk-lib's read and write grants name S3 actions by family, on the pipeline's own artifact"
                            + " bucket (and, for the build, its cache bucket) only");
        }
        for (String action : List.of("kms:GenerateDataKey*", "kms:ReEncrypt*")) {
            Acknowledge.rule(
                    pipeline,
                    "AwsSolutions-IAM5[Action::" + action + "]",
                    "The action's variants on the artifact bucket's own key only (the statement names that key's"
                            + " ARN), as aws-cdk-lib grants encrypt and decrypt");
        }
        List<IProject> projects =
                new ArrayList<>(List.of(pipeline.getSynthProject(), pipeline.getSelfMutationProject()));
        smokeTests.forEach(step -> projects.add(step.getProject()));
        for (IProject project : projects) {
            String name = "<"
                    + Stack.of(project)
                            .getLogicalId((CfnElement) project.getNode().getDefaultChild()) + ">";
            String prefix = "arn:" + Stack.of(project).getPartition() + ":%s:"
                    + Stack.of(project).getRegion() + ":" + Stack.of(project).getAccount() + ":";
            Acknowledge.rule(
                    project,
                    "AwsSolutions-IAM5[Resource::" + prefix.formatted("logs") + "log-group:/aws/codebuild/" + name
                            + ":*]",
                    "aws-cdk-lib lets a CodeBuild project write the streams of its own default log group (one per"
                            + " build); its builds log to the pipeline's log group");
            Acknowledge.rule(
                    project,
                    "AwsSolutions-IAM5[Resource::" + prefix.formatted("codebuild") + "report-group/" + name + "-*]",
                    "aws-cdk-lib lets a CodeBuild project create report groups named after itself; the tests report"
                            + " to the pipeline's own report groups");
        }
        IConstruct assets = pipeline.getNode().tryFindChild("Assets");
        if (assets != null && assets.getNode().tryFindChild("FileRole") instanceof IConstruct fileRole) {
            Acknowledge.rule(
                    fileRole,
                    "AwsSolutions-IAM5[Resource::arn:" + Stack.of(this).getPartition() + ":logs:"
                            + Stack.of(this).getRegion() + ":" + Stack.of(this).getAccount()
                            + ":log-group:/aws/codebuild/*]",
                    "CDK Pipelines' asset-publishing role serves every publishing project it makes, so it names their"
                            + " log groups by CodeBuild's prefix");
            Acknowledge.rule(
                    fileRole,
                    "AwsSolutions-IAM5[Resource::arn:" + Stack.of(this).getPartition() + ":codebuild:"
                            + Stack.of(this).getRegion() + ":" + Stack.of(this).getAccount() + ":report-group/*]",
                    "CDK Pipelines' asset-publishing role serves every publishing project it makes, so it names their"
                            + " report groups by prefix; they write none");
            Acknowledge.rule(
                    fileRole,
                    "AwsSolutions-IAM5[Resource::*]",
                    "CDK Pipelines lets its asset-publishing role start, stop and watch the publishing builds it runs;"
                            + " it assumes only the file-publishing roles of the environments' accounts");
        }
        Acknowledge.rule(
                pipeline.getSelfMutationProject(),
                "AwsSolutions-IAM5[Resource::*]",
                "Self-mutation runs cdk deploy, which reads the pipeline stack's state (cloudformation:DescribeStacks)"
                        + " and lists the bootstrap bucket before it assumes the bootstrap roles; both are reads");
        Acknowledge.rule(
                pipeline.getSelfMutationProject(),
                "AwsSolutions-IAM5[Resource::arn:*:iam::" + Stack.of(this).getAccount() + ":role/*]",
                "Self-mutation assumes the CDK bootstrap roles of the tooling account (deploy, file and image"
                        + " publishing), which only the condition on their aws-cdk:bootstrap-role tag tells apart");
    }

    /**
     * Server access logs of the bucket CDK Pipelines makes for the artifacts (it offers no setting for them), with
     * the bucket policy that lets S3's log delivery write them for this bucket only.
     */
    private static void logAccess(IBucket artifacts, IBucket logs) {
        String prefix = "pipeline-artifacts/";
        ((CfnBucket) artifacts.getNode().getDefaultChild())
                .setLoggingConfiguration(CfnBucket.LoggingConfigurationProperty.builder()
                        .destinationBucketName(logs.getBucketName())
                        .logFilePrefix(prefix)
                        .build());
        logs.addToResourcePolicy(PolicyStatement.Builder.create()
                .sid("ArtifactBucketAccessLogs")
                .principals(List.of(new ServicePrincipal("logging.s3.amazonaws.com")))
                .actions(List.of("s3:PutObject"))
                .resources(List.of(logs.arnForObjects(prefix + "*")))
                .conditions(Ordered.map(
                        "ArnLike",
                        Ordered.map("aws:SourceArn", artifacts.getBucketArn()),
                        "StringEquals",
                        Ordered.map("aws:SourceAccount", Stack.of(artifacts).getAccount())))
                .build());
    }

    public CodePipeline codePipeline() {
        return pipeline;
    }
}
