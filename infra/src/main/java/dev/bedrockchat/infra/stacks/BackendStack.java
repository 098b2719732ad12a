package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.api.ApiGatewayAccount;
import dev.bedrockchat.infra.api.ChatApi;
import dev.bedrockchat.infra.audit.AuditTrail;
import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.EnvironmentConfig.FunctionSettings;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.function.WarmUpSchedule;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.network.Network;
import dev.bedrockchat.infra.observability.Observability;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * Storage, network, function, API and observability of one environment, and the optional account settings and
 * trail: wiring only.
 */
public final class BackendStack extends Stack {
    private final List<String> availabilityZones;
    private final ChatApi api;
    private final ChatFunction function;

    /**
     * @param config           the environment
     * @param functionPackage  the Lambda zip
     * @param functionRoleName the name of the function's role, see {@link ChatFunction#roleName}
     */
    public BackendStack(
            Construct scope,
            String id,
            StackProps props,
            EnvironmentConfig config,
            Path functionPackage,
            String functionRoleName) {
        super(scope, id, props);
        availabilityZones = config.availabilityZones();
        Retention retention = new Retention(config.logRetentionDays(), config.retainDataOnDelete());
        FunctionSettings settings = config.function();
        BedrockModelAccess bedrock = BedrockModelAccess.of(config.models(), getPartition(), getRegion(), getAccount());

        ArtifactStorage storage =
                new ArtifactStorage(this, "Storage", new ArtifactStorage.Props(config.artifacts(), retention));
        Network network = new Network(
                this, "Network", new Network.Props(config.availabilityZones(), retention, bedrock, storage));
        function = new ChatFunction(
                this,
                "Chat",
                new ChatFunction.Props(
                        config.name(),
                        functionRoleName,
                        settings,
                        config.models().defaultModelId(),
                        config.models().allowedModelIds(),
                        retention,
                        functionPackage,
                        network,
                        storage,
                        bedrock));
        if (settings.warmUp()) {
            new WarmUpSchedule(this, "WarmUp", new WarmUpSchedule.Props(config.name(), function.alias()));
        }
        Optional<ApiGatewayAccount> accountSettings = config.apiGatewayAccountRole()
                ? Optional.of(new ApiGatewayAccount(this, "ApiGatewayAccount"))
                : Optional.empty();
        api = new ChatApi(
                this,
                "Api",
                new ChatApi.Props(
                        config.name(),
                        config.api(),
                        settings.streaming(),
                        settings.timeoutSeconds(),
                        retention,
                        accountSettings,
                        function.alias()));
        Observability observability = new Observability(
                this,
                "Observability",
                new Observability.Props(
                        config.name(),
                        config.models().allowedModelIds(),
                        config.alarmEmail(),
                        ServiceLimits.requestLimitSeconds(settings.streaming(), settings.timeoutSeconds()),
                        retention.removalPolicy(),
                        function.function(),
                        api.restApi()));
        if (config.cloudTrail()) {
            new AuditTrail(this, "AuditTrail", new AuditTrail.Props(retention));
        }

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
        CfnOutput.Builder.create(this, "FunctionRoleName")
                .description("The chat function's role (fixed name, for budget actions)")
                .value(functionRoleName)
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

    public ChatFunction function() {
        return function;
    }
}
