package dev.bedrockchat.infra.stacks;

import dev.bedrockchat.infra.api.ApiGatewayAccount;
import dev.bedrockchat.infra.api.ChatApi;
import dev.bedrockchat.infra.audit.AuditTrail;
import dev.bedrockchat.infra.auth.SignInPool;
import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.EnvironmentConfig.Auth;
import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.config.EnvironmentConfig.FunctionSettings;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.infra.function.WarmUpSchedule;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.network.Network;
import dev.bedrockchat.infra.observability.Observability;
import dev.bedrockchat.infra.secrets.GeneratedSecret;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * Storage, secrets, sign-in, network, function, API and observability of one environment, and the optional account
 * settings and trail: wiring only.
 */
public final class BackendStack extends Stack {
    private final List<String> availabilityZones;
    private final ChatApi api;
    private final ChatFunction function;
    private final ISecret originVerifySecret;
    private final Optional<SignInPool> signIn;

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
        Auth auth = config.auth();
        originVerifySecret = new GeneratedSecret(
                        this,
                        "OriginVerify",
                        new GeneratedSecret.Props(
                                "Chat (" + config.deploymentName() + "): the header value CloudFront sends the API;"
                                        + " the function refuses requests without it",
                                "Read by CloudFront (at deploy time) and by the function (at start-up) only, never"
                                        + " shown to people; README (Operate) says how to rotate it"))
                .secret();
        Optional<ISecret> sharedToken = auth.mode() == AuthMode.TOKEN
                ? Optional.of(new GeneratedSecret(
                                this,
                                "AuthToken",
                                new GeneratedSecret.Props(
                                        "Chat (" + config.deploymentName() + "): the shared token the page and API"
                                                + " callers send",
                                        "An operator hands the token out and rotates it by hand (README, Operate), as"
                                                + " every person who has it must get the new one"))
                        .secret())
                : Optional.empty();
        signIn = auth.mode() == AuthMode.OIDC
                ? Optional.of(new SignInPool(
                        this,
                        "SignIn",
                        new SignInPool.Props(
                                config.deploymentName(),
                                auth.selfSignUp(),
                                auth.mfa(),
                                config.domainPrefix(getAccount()),
                                auth.federation(),
                                // The people of the pool are data like the conversations: kept where the data is.
                                config.retainDataOnDelete(),
                                config.retainDataOnDelete() ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY)))
                : Optional.empty();
        ChatFunction.Access access = new ChatFunction.Access(auth.mode(), sharedToken, signIn, originVerifySecret);

        Network network = new Network(
                this,
                "Network",
                new Network.Props(config.availabilityZones(), retention, bedrock, storage, access.secrets()));
        function = new ChatFunction(
                this,
                "Chat",
                new ChatFunction.Props(
                        config.deploymentName(),
                        functionRoleName,
                        settings,
                        config.models().defaultModelId(),
                        config.models().allowedModelIds(),
                        retention,
                        functionPackage,
                        network,
                        storage,
                        bedrock,
                        access,
                        config.prices(),
                        config.quota(),
                        config.iamAuth().enabled()));
        if (settings.warmUp()) {
            new WarmUpSchedule(this, "WarmUp", new WarmUpSchedule.Props(config.deploymentName(), function.alias()));
        }
        Optional<ApiGatewayAccount> accountSettings = config.apiGatewayAccountRole()
                ? Optional.of(new ApiGatewayAccount(this, "ApiGatewayAccount"))
                : Optional.empty();
        api = new ChatApi(
                this,
                "Api",
                new ChatApi.Props(
                        config.deploymentName(),
                        config.api(),
                        settings.streaming(),
                        settings.timeoutSeconds(),
                        retention,
                        accountSettings,
                        function.alias(),
                        auth.mode(),
                        signIn.map(SignInPool::userPool),
                        config.waf().enabled(),
                        config.iamAuth()));
        Observability observability = new Observability(
                this,
                "Observability",
                new Observability.Props(
                        config.deploymentName(),
                        config.models().allowedModelIds(),
                        config.alarmEmail(),
                        ServiceLimits.requestLimitSeconds(settings.streaming(), settings.timeoutSeconds()),
                        retention.removalPolicy(),
                        function.function(),
                        api.restApi(),
                        config.prices().takenOn()));
        if (config.cloudTrail()) {
            new AuditTrail(this, "AuditTrail", new AuditTrail.Props(retention));
        }

        CfnOutput.Builder.create(this, "ApiUrl")
                .description(
                        config.iamAuth().enabled()
                                ? "The API stage: the page calls it through CloudFront under /api/; programs sign /v1 calls"
                                        + " (SigV4, execute-api) for this address, <ApiUrl>v1/chat/completions"
                                : "The API stage (the page calls it through CloudFront under /api/, programs under /v1/)")
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
        CfnOutput.Builder.create(this, "OriginVerifySecretArn")
                .description("The secret CloudFront sends the API in X-Origin-Verify")
                .value(originVerifySecret.getSecretArn())
                .build();
        sharedToken.ifPresent(secret -> CfnOutput.Builder.create(this, "AuthTokenSecretArn")
                .description("The shared token (auth.mode token): aws secretsmanager get-secret-value --secret-id"
                        + " <this>")
                .value(secret.getSecretArn())
                .build());
        signIn.ifPresent(pool -> {
            CfnOutput.Builder.create(this, "UserPoolId")
                    .description(
                            "The user pool people sign in with: add them with aws cognito-idp" + " admin-create-user")
                    .value(pool.userPool().getUserPoolId())
                    .build();
            CfnOutput.Builder.create(this, "SignInUrl")
                    .description("The managed login domain")
                    .value(pool.loginUrl())
                    .build();
        });
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

    /** The secret CloudFront must send the API, see {@code web/WebDistribution}. */
    public ISecret originVerifySecret() {
        return originVerifySecret;
    }

    /** The user pool (oidc mode). */
    public Optional<SignInPool> signIn() {
        return signIn;
    }
}
