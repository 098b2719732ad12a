package dev.bedrockchat.infra.support;

import dev.bedrockchat.infra.ChatApp;
import dev.bedrockchat.infra.config.PipelineConfig;
import dev.bedrockchat.infra.config.PipelineConfigLoader;
import dev.bedrockchat.infra.pipeline.PipelineStack;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.assertions.Template;

/**
 * The app of {@code -c pipeline=true}, built exactly as {@link ChatApp#main} builds it (cdk-nag included) and
 * synthesized once per JVM and variant.
 *
 * @param config   the pipeline's settings, as the app read them
 * @param stack    the pipeline stack, with its stages
 * @param template the pipeline stack's template
 */
public record PipelineSynthesized(PipelineConfig config, PipelineStack stack, Template template) {
    private static final Map<String, PipelineSynthesized> CACHE = new ConcurrentHashMap<>();

    /** The pipeline of the real cdk.json. */
    public static PipelineSynthesized fromCdkJson() {
        return CACHE.computeIfAbsent("cdk.json", key -> synthesize(context -> {}));
    }

    /**
     * A variant of the real cdk.json.
     *
     * @param key    names the variant in the cache
     * @param change changes the context (a mutable copy of cdk.json's)
     */
    public static PipelineSynthesized variant(String key, Consumer<Map<String, Object>> change) {
        return CACHE.computeIfAbsent(key, ignored -> synthesize(change));
    }

    private static PipelineSynthesized synthesize(Consumer<Map<String, Object>> change) {
        Map<String, Object> context = CdkJson.context();
        change.accept(context);
        context.put(PipelineConfigLoader.PIPELINE_KEY, "true");
        context.putAll(TestArtifacts.context());
        App app = new App(AppProps.builder().context(context).build());
        PipelineStack stack = ChatApp.buildPipeline(app, CdkJson.path().getParent());
        app.synth();
        return new PipelineSynthesized(
                PipelineConfigLoader.fromContext(context::get), stack, Template.fromStack(stack));
    }
}
