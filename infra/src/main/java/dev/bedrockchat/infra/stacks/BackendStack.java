package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.api.ChatApi;
import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.LogRetention;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.network.Network;
import dev.bedrockchat.infra.observability.Observability;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

import java.nio.file.Path;
import java.util.List;

/** Storage, network, function, API and observability of one environment: wiring only. */
public final class BackendStack extends Stack {
    private final List<String> availabilityZones;
    private final ArtifactStorage storage;
    private final Network network;
    private final ChatFunction function;
    private final ChatApi api;
    private final Observability observability;

    public BackendStack(Construct scope, String id, StackProps props, EnvironmentConfig config,
                        Path functionPackage) {
        super(scope, id, props);
        availabilityZones = config.availabilityZones();
        RemovalPolicy removal = config.retainDataOnDelete() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
        BedrockModelAccess bedrock = BedrockModelAccess.of(config.models(), getPartition(), getRegion(),
                getAccount());

        storage = new ArtifactStorage(this, "Storage", new ArtifactStorage.Props(config.artifacts(),
                config.retainDataOnDelete(), config.logRetentionDays()));
        network = new Network(this, "Network", new Network.Props(config.availabilityZones(), bedrock,
                storage.bucket(), LogRetention.of(config.logRetentionDays()), removal));
        function = new ChatFunction(this, "Chat", new ChatFunction.Props(config, functionPackage, network,
                storage.bucket(), bedrock));
        api = new ChatApi(this, "Api", new ChatApi.Props(config, function.alias()));
        observability = new Observability(this, "Observability", new Observability.Props(config,
                function.function(), api.restApi(), api.integrationTimeout()));

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

    public ArtifactStorage storage() {
        return storage;
    }

    public Network network() {
        return network;
    }

    public ChatFunction function() {
        return function;
    }

    public ChatApi api() {
        return api;
    }

    public Observability observability() {
        return observability;
    }
}
