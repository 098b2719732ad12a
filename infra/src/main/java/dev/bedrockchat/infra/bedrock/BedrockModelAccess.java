package dev.bedrockchat.infra.bedrock;

import dev.bedrockchat.infra.config.EnvironmentConfig.Models;
import dev.bedrockchat.infra.support.Ordered;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import software.amazon.awscdk.services.iam.IPrincipal;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * The exact Bedrock resources the allowed models need, and nothing else: no wildcard ever.
 *
 * <ul>
 *   <li>a foundation model id ({@code amazon.nova-lite-v1:0}) is invoked in the stack's Region:
 *       {@code arn:aws:bedrock:REGION::foundation-model/ID};</li>
 *   <li>a geographic inference profile ({@code us.amazon.nova-lite-v1:0}) needs the profile
 *       {@code arn:aws:bedrock:REGION:ACCOUNT:inference-profile/ID} and the foundation model (the id without its
 *       prefix) in every Region the profile routes to: its own {@code models.destinationRegions}, else the Regions
 *       of its prefix;</li>
 *   <li>a global inference profile ({@code global.…}) needs the profile, the foundation model in the stack's Region and
 *       the Region-less foundation model {@code arn:aws:bedrock:::foundation-model/MODEL}.</li>
 * </ul>
 * In the function's role, the foundation models behind a profile are only granted through that profile (condition
 * {@code bedrock:InferenceProfileArn}), so the role cannot call them directly in other Regions. The VPC endpoint's
 * policy allows the same exact ARNs without that condition ({@link #endpointStatements}): the role already
 * enforces profile-only use, and the endpoint only has to keep every other model out.
 */
public final class BedrockModelAccess {
    /** Converse and ConverseStream are authorized as these two actions. */
    public static final List<String> INVOKE_ACTIONS =
            List.of("bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream");

    private final List<String> directResources;
    private final List<String> inferenceProfileArns;
    private final List<String> routedModelArns;

    private BedrockModelAccess(
            List<String> directResources, List<String> inferenceProfileArns, List<String> routedModelArns) {
        this.directResources = List.copyOf(directResources);
        this.inferenceProfileArns = List.copyOf(inferenceProfileArns);
        this.routedModelArns = List.copyOf(routedModelArns);
    }

    /**
     * @param models    the configured models and inference-profile Regions
     * @param partition the partition, e.g. {@code aws}
     * @param region    the Region the function runs in
     * @param account   the account of the inference profiles (may be a CloudFormation token)
     */
    public static BedrockModelAccess of(Models models, String partition, String region, String account) {
        Set<String> direct = new LinkedHashSet<>();
        Set<String> profiles = new LinkedHashSet<>();
        Set<String> routed = new LinkedHashSet<>();
        for (String id : models.allowedModelIds()) {
            ModelId model = ModelId.parse(id);
            if (!model.isInferenceProfile()) {
                direct.add(foundationModelArn(partition, region, model.foundationModelId()));
                continue;
            }
            String profileArn = "arn:" + partition + ":bedrock:" + region + ":" + account + ":inference-profile/" + id;
            direct.add(profileArn);
            profiles.add(profileArn);
            for (String destination : destinationRegions(model, region, models)) {
                routed.add(foundationModelArn(partition, destination, model.foundationModelId()));
            }
        }
        return new BedrockModelAccess(new ArrayList<>(direct), new ArrayList<>(profiles), new ArrayList<>(routed));
    }

    private static List<String> destinationRegions(ModelId model, String region, Models models) {
        if (model.isGlobalProfile()) {
            // The source Region's model plus the Region-less ARN that authorizes routing to any commercial Region.
            return List.of(region, "");
        }
        List<String> regions =
                models.destinationRegionsOf(model.id(), model.profilePrefix().orElseThrow());
        if (regions.isEmpty()) {
            throw new IllegalArgumentException("no Regions are configured for inference profile " + model.id());
        }
        return regions;
    }

    private static String foundationModelArn(String partition, String region, String foundationModelId) {
        return "arn:" + partition + ":bedrock:" + region + "::foundation-model/" + foundationModelId;
    }

    /** The foundation models and inference profiles a caller may name in a request. */
    public List<String> directResources() {
        return directResources;
    }

    /** The inference profiles among the allowed models. */
    public List<String> inferenceProfileArns() {
        return inferenceProfileArns;
    }

    /** The foundation models the inference profiles route to, in each of their Regions. */
    public List<String> routedModelArns() {
        return routedModelArns;
    }

    /** Every Bedrock resource named by {@link #statements}. */
    public List<String> allResources() {
        List<String> all = new ArrayList<>(directResources);
        all.addAll(routedModelArns);
        return all;
    }

    /**
     * The identity-policy statements that allow invoking exactly the allowed models: the foundation models and
     * profiles a request may name, and the foundation models behind the profiles only through those profiles.
     */
    public List<PolicyStatement> roleStatements() {
        List<PolicyStatement> statements = new ArrayList<>();
        statements.add(PolicyStatement.Builder.create()
                .sid("InvokeAllowedModels")
                .actions(INVOKE_ACTIONS)
                .resources(directResources)
                .build());
        if (!routedModelArns.isEmpty()) {
            statements.add(PolicyStatement.Builder.create()
                    .sid("InvokeModelsThroughInferenceProfiles")
                    .actions(INVOKE_ACTIONS)
                    .resources(routedModelArns)
                    .conditions(Ordered.map(
                            "StringEquals", Ordered.map("bedrock:InferenceProfileArn", inferenceProfileArns)))
                    .build());
        }
        return statements;
    }

    /**
     * The resource-policy statement of the Bedrock Runtime VPC endpoint: {@code principal} may invoke every exact ARN
     * of {@link #allResources} (the profiles and foundation models a request names, and the foundation models the
     * profiles route to), and nothing else. No {@code bedrock:InferenceProfileArn} condition: the role enforces
     * profile-only use.
     */
    public List<PolicyStatement> endpointStatements(IPrincipal principal) {
        return List.of(PolicyStatement.Builder.create()
                .sid("InvokeAllowedModels")
                .principals(List.of(principal))
                .actions(INVOKE_ACTIONS)
                .resources(allResources())
                .build());
    }
}
