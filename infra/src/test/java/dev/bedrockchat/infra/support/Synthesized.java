package dev.bedrockchat.infra.support;

import dev.bedrockchat.infra.ChatApp;
import dev.bedrockchat.infra.ChatStacks;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.EnvironmentConfigLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.assertions.Template;

/**
 * Apps built exactly as {@link ChatApp#main} builds them (cdk-nag included), synthesized once per JVM and shared by
 * every test class: the first synthesis costs seconds, later ones far less.
 *
 * @param config    the environment's settings, as the app read them
 * @param stacks    the environment's stacks
 * @param templates the synthesized template of each stack
 */
public record Synthesized(EnvironmentConfig config, ChatStacks stacks, Map<Stack, Template> templates) {
    private static final Map<String, Synthesized> CACHE = new ConcurrentHashMap<>();

    /** An environment of the real cdk.json. */
    public static Synthesized environment(String name) {
        return CACHE.computeIfAbsent("cdk.json:" + name, key -> synthesize(name, environments -> {}));
    }

    /**
     * A variant of a cdk.json environment.
     *
     * @param key    names the variant in the cache
     * @param name   the environment it starts from
     * @param change changes the environment's settings (a mutable copy of its cdk.json object)
     */
    public static Synthesized variant(String key, String name, Consumer<Map<String, Object>> change) {
        return CACHE.computeIfAbsent(key, ignored -> synthesize(name, change));
    }

    /** The private copy {@code copy} of a cdk.json environment ({@code -c env=NAME -c stage=COPY}). */
    public static Synthesized privateCopy(String name, String copy) {
        return CACHE.computeIfAbsent(
                "cdk.json:" + name + ":" + copy, key -> synthesize(name, Map.of("stage", copy), environment -> {}));
    }

    private static Synthesized synthesize(String name, Consumer<Map<String, Object>> change) {
        return synthesize(name, Map.of(), change);
    }

    @SuppressWarnings("unchecked")
    private static Synthesized synthesize(
            String name, Map<String, Object> options, Consumer<Map<String, Object>> change) {
        Map<String, Object> context = CdkJson.context();
        change.accept((Map<String, Object>) ((Map<String, Object>) context.get("environments")).get(name));
        context.put("env", name);
        context.putAll(options);
        context.putAll(TestArtifacts.context());
        App app = new App(AppProps.builder().context(context).build());
        EnvironmentConfig config = EnvironmentConfigLoader.fromContext(context::get);
        ChatStacks stacks = ChatApp.build(app, Path.of("").toAbsolutePath());
        app.synth();
        Map<Stack, Template> templates = new LinkedHashMap<>();
        for (Stack stack : stacks.all()) {
            templates.put(stack, Template.fromStack(stack));
        }
        return new Synthesized(config, stacks, templates);
    }

    public Template backend() {
        return templates.get(stacks.backend());
    }

    public Template web() {
        return templates.get(stacks.web());
    }

    public Template cost() {
        return templates.get(stacks.cost());
    }
}
