package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.IFileSetProducer;

/**
 * The check after each stage's deployment: {@value #SCRIPT} of the commit calls the stage's CloudFront address and
 * fails unless {@code /api/health} answers 200 with mode {@value #MODE}, the environment's default model and the
 * build's version; where the environment allows it ({@code smokeChat}), one short chat answers too. It runs on the
 * Node.js runtime that {@link DeliveryPipeline} sets for every step.
 */
public final class SmokeTest {
    public static final String ID = "Smoke";
    public static final String SCRIPT = "scripts/smoke.mjs";
    /** The variable the script reads the address from: the web stack's CloudFront URL output. */
    public static final String URL_VARIABLE = "CHAT_URL";
    /** A deployed function always talks to Bedrock; the offline stand-in is for laptops. */
    public static final String MODE = "bedrock";

    private SmokeTest() {}

    /**
     * @param stage   the deployed stage
     * @param source  the commit, for the script
     * @param version the function's version in this build
     */
    public static CodeBuildStep after(ChatStage stage, IFileSetProducer source, String version) {
        EnvironmentConfig config = stage.config();
        return CodeBuildStep.Builder.create(ID)
                .input(source)
                .envFromCfnOutputs(
                        Ordered.map(URL_VARIABLE, stage.stacks().web().cloudFrontUrl()))
                .env(Ordered.map(
                        "EXPECT_MODE",
                        MODE,
                        "EXPECT_MODEL",
                        config.models().defaultModelId(),
                        "EXPECT_VERSION",
                        version,
                        "SMOKE_CHAT",
                        Boolean.toString(config.delivery().smokeChat())))
                .commands(List.of("node " + SCRIPT))
                .timeout(Duration.minutes(10))
                .build();
    }
}
