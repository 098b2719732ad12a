package dev.bedrockchat.infra.pipeline;

import dev.bedrockchat.infra.config.PipelineConfigLoader;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.pipelines.CodeBuildStep;
import software.amazon.awscdk.pipelines.IFileSetProducer;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.IBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;

/**
 * The pipeline's one build: the README's test command over the commit, then the synth of the pipeline, whose cloud
 * assembly carries the function package and the page every stage deploys (no stage builds again, no Docker).
 */
public final class SynthStep {
    public static final String ID = "Synth";

    /** Amazon Linux 2023 standard 5.0: Corretto 21 and 25, Node.js 22, Python, and Google Chrome's libraries. */
    public static final IBuildImage IMAGE = LinuxBuildImage.AMAZON_LINUX_2023_5;

    /** The runtimes the build uses, pinned so that an image update cannot change them. */
    public static final Map<String, String> RUNTIMES = Ordered.map("java", "corretto21", "nodejs", "22");

    /** The runtime of every other step (self-mutation, assets, smoke tests): Node.js, as in the build. */
    public static final Map<String, String> NODE_RUNTIME = Ordered.map("nodejs", RUNTIMES.get("nodejs"));

    /** The commands of the README (section "Environments and pipeline"), in order. */
    public static final List<String> COMMANDS = List.of(
            "npm ci", "./mvnw -B -ntp verify", "npx cdk synth -c " + PipelineConfigLoader.PIPELINE_KEY + "=true");

    /** Where Playwright puts the browser it downloads. */
    public static final String BROWSERS_PATH = "/root/.cache/ms-playwright";

    /** The version of moto, the local S3 the storage tests run against ({@code python3 -m moto.server}). */
    public static final String MOTO_VERSION = "5.2.1";

    /**
     * What the tests need beyond the image: Chromium for the browser tests, Playwright's own build for the pinned
     * playwright-core (the image's Google Chrome brought every library it needs), handed to them in
     * {@code CHROMIUM_PATH}; and moto for the S3 tests.
     */
    public static final List<String> INSTALL_COMMANDS = List.of(
            "PLAYWRIGHT_VERSION=$(node -p \"require('./package.json').devDependencies['playwright-core']\")",
            "npx --yes \"playwright-core@${PLAYWRIGHT_VERSION}\" install --no-shell chromium",
            "export CHROMIUM_PATH=\"$(find \"$PLAYWRIGHT_BROWSERS_PATH\" -type f -name chrome -path '*/chromium-*' |"
                    + " head -n 1)\"",
            "test -x \"$CHROMIUM_PATH\" && \"$CHROMIUM_PATH\" --version",
            "python3 -m pip install --quiet \"moto[server]==" + MOTO_VERSION + "\"");

    public static final Duration TIMEOUT = Duration.minutes(60);

    private SynthStep() {}

    /** The {@code phases} section of a partial build spec that pins {@code runtimes}. */
    static Map<String, Object> installPhase(Map<String, String> runtimes) {
        return Ordered.map("install", Ordered.map("runtime-versions", runtimes));
    }

    /**
     * @param source  the commit
     * @param cache   keeps Maven's and npm's downloads between builds
     * @param reports receives the JUnit reports of every module
     */
    public static CodeBuildStep create(IFileSetProducer source, BuildCache cache, TestReports reports) {
        return CodeBuildStep.Builder.create(ID)
                .input(source)
                .installCommands(INSTALL_COMMANDS)
                .commands(COMMANDS)
                .primaryOutputDirectory("cdk.out")
                .buildEnvironment(BuildEnvironment.builder()
                        .buildImage(IMAGE)
                        // The tests start JVMs, Node and Chromium side by side.
                        .computeType(ComputeType.MEDIUM)
                        .environmentVariables(Ordered.map(
                                "PLAYWRIGHT_BROWSERS_PATH",
                                BuildEnvironmentVariable.builder()
                                        .value(BROWSERS_PATH)
                                        .build()))
                        .build())
                .partialBuildSpec(BuildSpec.fromObject(Ordered.map(
                        "phases",
                        installPhase(RUNTIMES),
                        "reports",
                        reports.buildSpecSection(),
                        "cache",
                        BuildCache.buildSpecSection())))
                .cache(cache.forProject("synth"))
                .rolePolicyStatements(List.of(reports.writeStatement()))
                .timeout(TIMEOUT)
                .build();
    }
}
