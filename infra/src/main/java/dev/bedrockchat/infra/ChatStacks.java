package dev.bedrockchat.infra;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.cost.CostBudget;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.stacks.BackendStack;
import dev.bedrockchat.infra.stacks.CostStack;
import dev.bedrockchat.infra.stacks.WafStack;
import dev.bedrockchat.infra.stacks.WebStack;
import dev.bedrockchat.infra.support.Ordered;
<<<<<<< HEAD
import java.util.ArrayList;
=======
import java.util.LinkedHashMap;
>>>>>>> pipe13
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
<<<<<<< HEAD
 * The stacks of one environment: {@code Chat-<Env>-Backend}, {@code Chat-<Env>-Web} (which uses the backend's API),
 * {@code Chat-<Env>-Cost} and, with {@code waf.enabled}, {@code Chat-<Env>-Waf}, all in the configured account and
 * tagged with project and environment; backend and web in the configured Region, the cost and WAF stacks in
 * us-east-1 ({@value CostStack#REGION}, {@value WafStack#REGION}). The web stack takes the web ACL's ARN across
 * Regions when the environment is not in us-east-1.
=======
 * The stacks of one environment: {@code Chat-<Env>-Backend}, {@code Chat-<Env>-Web} (which uses the backend's API)
 * and {@code Chat-<Env>-Cost}, all in the configured account and tagged with project and environment; backend and web
 * in the configured Region, the cost stack in {@value CostStack#REGION}. The stack names are the same in every scope,
 * so a laptop deploy and the pipeline's stage update the same stacks; a private copy's start with its own prefix
 * ({@code Chat-Dev-Alice-Backend}, see {@link EnvironmentConfig#stackPrefix}).
>>>>>>> pipe13
 */
public record ChatStacks(BackendStack backend, WebStack web, CostStack cost, Optional<WafStack> waf) {
    public static final String PROJECT = "bedrock-chat";

    public static ChatStacks create(Construct scope, EnvironmentConfig config, DeploymentArtifacts artifacts) {
        Map<String, String> tags = new LinkedHashMap<>(Ordered.map("environment", config.name(), "project", PROJECT));
        config.privateCopy().ifPresent(copy -> tags.put("copy", copy));
        String prefix = config.stackPrefix();
        String functionRoleName = ChatFunction.roleName(prefix);
        BackendStack backend = new BackendStack(
                scope,
                prefix + "-Backend",
                props(
<<<<<<< HEAD
                                config,
                                config.region(),
                                tags,
                                "Bedrock chat (" + config.name() + "): function, API, storage, network, sign-in,"
                                        + " monitoring")
                        .build(),
=======
                        config,
                        config.region(),
                        tags,
                        prefix + "-Backend",
                        "Bedrock chat (" + config.deploymentName() + "): function, API, storage, network,"
                                + " monitoring"),
>>>>>>> pipe13
                config,
                artifacts.functionPackage(),
                functionRoleName);
        // A web ACL in us-east-1 for a distribution defined in another Region's stack: a cross-Region reference.
        boolean crossRegion = config.waf().enabled() && !WafStack.REGION.equals(config.region());
        Optional<WafStack> waf = config.waf().enabled()
                ? Optional.of(new WafStack(
                        scope,
                        prefix + "-Waf",
                        props(
                                        config,
                                        WafStack.REGION,
                                        tags,
                                        "Bedrock chat (" + config.name() + "): AWS WAF web ACL of CloudFront")
                                .crossRegionReferences(crossRegion)
                                .build(),
                        config.name(),
                        config.waf()))
                : Optional.empty();
        WebStack web = new WebStack(
                scope,
                prefix + "-Web",
<<<<<<< HEAD
                props(config, config.region(), tags, "Bedrock chat (" + config.name() + "): page and CloudFront")
                        .crossRegionReferences(crossRegion)
                        .build(),
=======
                props(
                        config,
                        config.region(),
                        tags,
                        prefix + "-Web",
                        "Bedrock chat (" + config.deploymentName() + "): page and CloudFront"),
>>>>>>> pipe13
                config,
                artifacts.frontendDir(),
                backend,
                waf.map(WafStack::webAclArn));
        CostStack cost = new CostStack(
                scope,
                prefix + "-Cost",
<<<<<<< HEAD
                props(config, CostStack.REGION, tags, "Bedrock chat (" + config.name() + "): monthly cost budget")
                        .build(),
                new CostBudget.Props("chat-" + config.name() + "-monthly", config.budgetUsd(), config.alarmEmail()),
=======
                props(
                        config,
                        CostStack.REGION,
                        tags,
                        prefix + "-Cost",
                        "Bedrock chat (" + config.deploymentName() + "): monthly cost budget"),
                new CostBudget.Props(
                        "chat-" + config.deploymentName() + "-monthly", config.budgetUsd(), config.alarmEmail()),
>>>>>>> pipe13
                functionRoleName);
        ChatStacks stacks = new ChatStacks(backend, web, cost, waf);
        for (Stack stack : stacks.all()) {
            tags.forEach((key, value) -> Tags.of(stack).add(key, value));
        }
        return stacks;
    }

<<<<<<< HEAD
    private static StackProps.Builder props(
            EnvironmentConfig config, String region, Map<String, String> tags, String description) {
=======
    private static StackProps props(
            EnvironmentConfig config, String region, Map<String, String> tags, String stackName, String description) {
>>>>>>> pipe13
        return StackProps.builder()
                .stackName(stackName)
                .env(Environment.builder()
                        // Empty: the CLI's account (CDK_DEFAULT_ACCOUNT), or none for an offline synth.
                        .account(config.account().orElse(System.getenv("CDK_DEFAULT_ACCOUNT")))
                        .region(region)
                        .build())
                .description(description)
                .tags(tags)
                .terminationProtection(config.retainDataOnDelete());
    }

    /** Every stack: backend, web, cost, then the WAF stack when there is one. */
    public List<Stack> all() {
        List<Stack> all = new ArrayList<>(List.of(backend, web, cost));
        waf.ifPresent(all::add);
        return List.copyOf(all);
    }
}
