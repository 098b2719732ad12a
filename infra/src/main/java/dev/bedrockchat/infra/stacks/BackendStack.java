package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.api.ChatApi;
import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.network.Network;
import dev.bedrockchat.infra.observability.Observability;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.List;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/** Storage, network, function, API and observability of one environment: wiring only. */
public final class BackendStack extends Stack {
    private final List<String> availabilityZones;
    private final ChatApi api;

    public BackendStack(Construct scope, String id, StackProps props, EnvironmentConfig config, Path functionPackage) {
        super(scope, id, props);
        availabilityZones = config.availabilityZones();
        BedrockModelAccess bedrock = BedrockModelAccess.of(config.models(), getPartition(), getRegion(), getAccount());

        ArtifactStorage storage = new ArtifactStorage(this, "Storage", new ArtifactStorage.Props(config));
        Network network = new Network(this, "Network", new Network.Props(config, bedrock, storage));
        ChatFunction function = new ChatFunction(
                this, "Chat", new ChatFunction.Props(config, functionPackage, network, storage, bedrock));
        api = new ChatApi(this, "Api", new ChatApi.Props(config, function.alias()));
        Observability observability = new Observability(
                this, "Observability", new Observability.Props(config, function.function(), api.restApi()));

        CfnOutput.Builder.create(this, "ApiUrl")
                .description("The API stage (the page calls it through CloudFront under /api/)")
                .value(api.restApi().getUrl())
                .build();
        CfnOutput.Builder.create(this, "ArtifactBucketName")
                .description("The bucket of conversations and artifacts")
                .value(storage.bucket().getBucketName())
                .build();
        CfnOutput.Builder.create(this, "DashboardUrl")
                .description("The CloudWatch dashboard")
                .value(observability.dashboardUrl(config.region()))
                .build();
        CfnOutput.Builder.create(this, "FunctionName")
                .description("The chat function")
                .value(function.function().getFunctionName())
                .build();
    }

    /**
     * The configured zones: the VPC needs no Availability Zone lookup, so every environment synthesizes offline,
     * with or without an account.
     */
    @Override
    public List<String> getAvailabilityZones() {
        return availabilityZones;
    }

    public ChatApi api() {
        return api;
    }
}
