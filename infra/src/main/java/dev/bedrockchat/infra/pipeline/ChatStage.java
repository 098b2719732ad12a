package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.ChatStacks;
import dev.bedrockchat.infra.DeploymentArtifacts;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stage;
import software.amazon.awscdk.StageProps;
import software.constructs.Construct;

/**
 * One environment as a pipeline stage: the same stacks as {@code cdk deploy -c env=NAME} deploys from a laptop (same
 * names, same templates), in the environment's account, built from the pipeline's one build.
 */
public final class ChatStage extends Stage {
    private final EnvironmentConfig config;
    private final ChatStacks stacks;

    /**
     * @param config    the environment, with an account (the loader requires one for every stage)
     * @param artifacts the function package and the page of the build
     */
    public ChatStage(Construct scope, EnvironmentConfig config, DeploymentArtifacts artifacts) {
        super(
                scope,
                config.title(),
                StageProps.builder()
                        .env(Environment.builder()
                                .account(config.account().orElseThrow())
                                .region(config.region())
                                .build())
                        .build());
        this.config = config;
        stacks = ChatStacks.create(this, config, artifacts);
    }

    public EnvironmentConfig config() {
        return config;
    }

    public ChatStacks stacks() {
        return stacks;
    }
}
