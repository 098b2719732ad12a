package dev.bedrockchat.infra;

import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.stacks.BackendStack;
import dev.bedrockchat.infra.stacks.CostStack;
import dev.bedrockchat.infra.stacks.WafStack;
import dev.bedrockchat.infra.stacks.WebStack;
import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.Tags;
import software.constructs.Construct;

/**
 * The stacks of one environment: {@code Chat-<Env>-Backend}, {@code Chat-<Env>-Web} (which uses the backend's API),
 * {@code Chat-<Env>-Cost} and, with {@code waf.enabled}, {@code Chat-<Env>-Waf}, all in the configured account and
 * tagged with project and environment; backend and web in the configured Region, the cost and WAF stacks in
 * us-east-1 ({@value CostStack#REGION}, {@value WafStack#REGION}). The web stack takes the web ACL's ARN across
 * Regions when the environment is not in us-east-1. The cost stack's budget guard names the backend's function role,
 * so the cost stack depends on the backend (an order without a reference): {@code cdk deploy --all} and a pipeline
 * stage both deploy it after the backend. The stack names are the same in every scope, so a laptop deploy
 * and the pipeline's stage update the same stacks; a private copy's start with its own prefix
 * ({@code Chat-Dev-Alice-Backend}, see {@link EnvironmentConfig#stackPrefix}).
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
                                config,
                                config.region(),
                                tags,
                                prefix + "-Backend",
                                "Bedrock chat (" + config.deploymentName() + "): function, API, storage, network,"
                                        + " sign-in, monitoring")
                        .build(),
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
                                        prefix + "-Waf",
                                        "Bedrock chat (" + config.deploymentName() + "): AWS WAF web ACL of CloudFront")
                                .crossRegionReferences(crossRegion)
                                .build(),
                        config.deploymentName(),
                        config.waf()))
                : Optional.empty();
        WebStack web = new WebStack(
                scope,
                prefix + "-Web",
                props(
                                config,
                                config.region(),
                                tags,
                                prefix + "-Web",
                                "Bedrock chat (" + config.deploymentName() + "): page and CloudFront")
                        .crossRegionReferences(crossRegion)
                        .build(),
                config,
                artifacts.frontendDir(),
                backend,
                waf.map(WafStack::webAclArn));
        CostStack cost = new CostStack(
                scope,
                prefix + "-Cost",
                props(
                                config,
                                CostStack.REGION,
                                tags,
                                prefix + "-Cost",
                                "Bedrock chat (" + config.deploymentName() + "): monthly cost budget and its guard")
                        .build(),
                config,
                functionRoleName);
        // No reference, only the order: the guard names the function's role, which must exist when it applies.
        cost.addStackDependency(backend, "the budget guard names the function's role");
        ChatStacks stacks = new ChatStacks(backend, web, cost, waf);
        for (Stack stack : stacks.all()) {
            tags.forEach((key, value) -> Tags.of(stack).add(key, value));
        }
        return stacks;
    }

    private static StackProps.Builder props(
            EnvironmentConfig config, String region, Map<String, String> tags, String stackName, String description) {
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
