package dev.bedrockchat.infra;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.cost.CostBudget;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.stacks.BackendStack;
import dev.bedrockchat.infra.stacks.CostStack;
import dev.bedrockchat.infra.stacks.WebStack;
import dev.bedrockchat.infra.support.Ordered;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
 * The stacks of one environment: {@code Chat-<Env>-Backend}, {@code Chat-<Env>-Web} (which uses the backend's API)
 * and {@code Chat-<Env>-Cost}, all in the configured account and tagged with project and environment; backend and web
 * in the configured Region, the cost stack in {@value CostStack#REGION}.
 */
public record ChatStacks(BackendStack backend, WebStack web, CostStack cost) {
    public static final String PROJECT = "bedrock-chat";

    public static ChatStacks create(Construct scope, EnvironmentConfig config, DeploymentArtifacts artifacts) {
        Map<String, String> tags = Ordered.map("environment", config.name(), "project", PROJECT);
        String prefix = config.stackPrefix();
        String functionRoleName = ChatFunction.roleName(prefix);
        BackendStack backend = new BackendStack(
                scope,
                prefix + "-Backend",
                props(
                        config,
                        config.region(),
                        tags,
                        "Bedrock chat (" + config.name() + "): function, API, storage, network," + " monitoring"),
                config,
                artifacts.functionPackage(),
                functionRoleName);
        WebStack web = new WebStack(
                scope,
                prefix + "-Web",
                props(config, config.region(), tags, "Bedrock chat (" + config.name() + "): page and CloudFront"),
                config,
                artifacts.frontendDir(),
                backend.api().restApi());
        CostStack cost = new CostStack(
                scope,
                prefix + "-Cost",
                props(config, CostStack.REGION, tags, "Bedrock chat (" + config.name() + "): monthly cost budget"),
                new CostBudget.Props("chat-" + config.name() + "-monthly", config.budgetUsd(), config.alarmEmail()),
                functionRoleName);
        ChatStacks stacks = new ChatStacks(backend, web, cost);
        for (Stack stack : stacks.all()) {
            tags.forEach((key, value) -> Tags.of(stack).add(key, value));
        }
        return stacks;
    }

    private static StackProps props(
            EnvironmentConfig config, String region, Map<String, String> tags, String description) {
        return StackProps.builder()
                .env(Environment.builder()
                        // Empty: the CLI's account (CDK_DEFAULT_ACCOUNT), or none for an offline synth.
                        .account(config.account().orElse(System.getenv("CDK_DEFAULT_ACCOUNT")))
                        .region(region)
                        .build())
                .description(description)
                .tags(tags)
                .terminationProtection(config.retainDataOnDelete())
                .build();
    }

    public List<Stack> all() {
        return List.of(backend, web, cost);
    }
}
