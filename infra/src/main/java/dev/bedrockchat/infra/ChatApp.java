package dev.bedrockchat.infra;

import dev.bedrockchat.infra.config.ConfigException;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.EnvironmentConfigLoader;
import dev.bedrockchat.infra.config.PipelineConfig;
import dev.bedrockchat.infra.config.PipelineConfigLoader;
import dev.bedrockchat.infra.pipeline.BuildVersions;
import dev.bedrockchat.infra.pipeline.PipelineStack;
import io.github.cdklabs.cdknag.AwsSolutionsChecks;
import java.nio.file.Path;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Validations;
import software.amazon.jsii.JsiiException;

/**
 * The CDK app: {@code npx cdk synth -c env=dev|staging|prod} (optionally {@code -c stage=NAME} for a private copy) or
 * {@code npx cdk synth -c pipeline=true}. Reads the environment (or the pipeline) from cdk.json, builds its stacks and
 * checks them with cdk-nag's AWS Solutions rules; any finding that is not acknowledged with a reason fails the synth.
 */
public final class ChatApp {
    private ChatApp() {}

    public static void main(String[] args) {
        App app = new App();
        try {
            Path workingDir = Path.of("").toAbsolutePath();
            if (PipelineConfigLoader.isRequested(app.getNode()::tryGetContext)) {
                buildPipeline(app, workingDir);
            } else {
                build(app, workingDir);
            }
            app.synth();
        } catch (ConfigException problem) {
            fail(problem.getMessage());
        } catch (JsiiException problem) {
            String message = String.valueOf(problem.getMessage()).strip();
            if (!message.contains("Validation failed")) {
                throw problem;
            }
            // The validation report was printed above; its summary line is enough here.
            fail(message.lines()
                    .filter(line -> line.contains("Validation failed"))
                    .findFirst()
                    .orElse(message));
        }
    }

    /**
     * Adds the stacks of the environment chosen with {@code -c env=NAME} to {@code app} and registers cdk-nag.
     *
     * @param workingDir the folder the default artifact paths are relative to (the folder of cdk.json)
     */
    public static ChatStacks build(App app, Path workingDir) {
        EnvironmentConfig config = EnvironmentConfigLoader.fromContext(app.getNode()::tryGetContext);
        DeploymentArtifacts artifacts = DeploymentArtifacts.locate(
                app.getNode()::tryGetContext, workingDir, config.function().streaming());
        ChatStacks stacks = ChatStacks.create(app, config, artifacts);
        checkWithCdkNag(app);
        return stacks;
    }

    /**
     * Adds {@value PipelineStack#STACK_NAME} for {@code -c pipeline=true} to {@code app}, with a stage of every
     * environment it deploys, and registers cdk-nag, which checks the stages' stacks too.
     *
     * @param workingDir the folder of cdk.json and package.json (default artifact paths are relative to it)
     */
    public static PipelineStack buildPipeline(App app, Path workingDir) {
        PipelineConfig config = PipelineConfigLoader.fromContext(app.getNode()::tryGetContext);
        boolean streaming =
                config.stages().stream().anyMatch(stage -> stage.function().streaming());
        DeploymentArtifacts artifacts = DeploymentArtifacts.locate(app.getNode()::tryGetContext, workingDir, streaming);
        BuildVersions versions = BuildVersions.read(artifacts.functionPackage(), workingDir.resolve("package.json"));
        PipelineStack stack = new PipelineStack(app, config, artifacts, versions);
        checkWithCdkNag(app);
        return stack;
    }

    private static void checkWithCdkNag(App app) {
        Validations.of(app)
                .addPlugins(AwsSolutionsChecks.Builder.create(app).verbose(true).build());
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
