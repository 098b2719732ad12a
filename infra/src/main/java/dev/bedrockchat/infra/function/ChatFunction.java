package dev.bedrockchat.infra.function;

import dev.bedrockchat.infra.DeploymentArtifacts;
import dev.bedrockchat.infra.auth.AuthConfigDocument;
import dev.bedrockchat.infra.auth.SignInPool;
import dev.bedrockchat.infra.bedrock.BedrockModelAccess;
import dev.bedrockchat.infra.config.EnvironmentConfig;
import dev.bedrockchat.infra.config.EnvironmentConfig.AuthMode;
import dev.bedrockchat.infra.config.EnvironmentConfig.FunctionSettings;
import dev.bedrockchat.infra.config.EnvironmentConfig.ModelPrices;
import dev.bedrockchat.infra.config.EnvironmentConfig.Quota;
import dev.bedrockchat.infra.config.ServiceLimits;
import dev.bedrockchat.infra.logs.Retention;
import dev.bedrockchat.infra.nag.Acknowledge;
import dev.bedrockchat.infra.network.Network;
import dev.bedrockchat.infra.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Alias;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.ILayerVersion;
import software.amazon.awscdk.services.lambda.LayerVersion;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.lambda.SnapStartConf;
import software.amazon.awscdk.services.lambda.Tracing;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.IBucket;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The chat function with its own role, log group and the {@value #ALIAS_NAME} alias the API invokes.
 *
 * <p>Streaming: the Lambda Web Adapter layer runs the function's HTTP server ({@code run.sh}) and streams its
 * responses ({@code AWS_LWA_INVOKE_MODE=response_stream}); events that are not HTTP requests (such as the warm-up
 * call) reach the server as {@code POST} {@value #PASS_THROUGH_PATH}; with SnapStart the adapter also calls the
 * function's snapshot hooks ({@value #SNAPSTART_BEFORE_CHECKPOINT_PATH}, {@value #SNAPSTART_AFTER_RESTORE_PATH}).
 * Buffered: the plain Java handler of the same package. Either way the JVM takes {@link #JAVA_TOOL_OPTIONS}.
 *
 * <p>The role can do exactly this: invoke the allowed Bedrock models, read and write objects under
 * {@code conversations/}, {@code artifacts/}, {@code usage/} and {@code keys/} of the artifact bucket and list it, read its own secrets (the origin
 * secret, and the shared token in token mode), write to its own log group, manage its network interfaces in the VPC
 * and send traces. It has a fixed name ({@link #roleName}), so that other
 * stacks (such as a budget action in the cost stack) can name it without a reference to the backend stack.
 */
public final class ChatFunction extends Construct {
    public static final String ALIAS_NAME = "live";
    /** The handler of buffered mode; streaming, the handler is the package's start-up script. */
    public static final String BUFFERED_HANDLER = "dev.bedrockchat.function.lambda.ApiGatewayHandler::handleRequest";
    /** The port the function's HTTP server listens on behind the adapter. */
    public static final String PORT = "8080";
    /** Where the adapter posts events that are not HTTP requests (the adapter's default, set explicitly). */
    public static final String PASS_THROUGH_PATH = "/events";
    /**
     * The function's JVM settings, in JAVA_TOOL_OPTIONS (which the JVM reads however it is started: by the Web
     * Adapter's {@code run.sh} or by the managed runtime for the buffered handler). Chosen by measurement on one core
     * with the memory of a 1,024 MB function (README, Performance): C1 alone answers the first turn in about 0.3 s
     * instead of 0.55 s with both compilers, keeps the first turns faster (10 ms instead of 15 ms) and the process 25 MB
     * smaller; the serial collector takes 15 MB less than G1 at the same latency, and stays the collector at every
     * memory size (the JVM would pick G1 from two vCPUs on); the heap may take 60 % of the function's memory (the JVM's
     * default is 25 %), the rest is left to metaspace, the CRT's native buffers and the adapter.
     */
    public static final String JAVA_TOOL_OPTIONS =
            "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAMPercentage=60";
    /**
     * Where the Web Adapter (1.1.0 and later) POSTs before a SnapStart snapshot: the function runs its chat path once
     * there (its {@code SnapshotHooks.BEFORE_CHECKPOINT_PATH}). Outside /api and /v1: API Gateway never routes to it.
     */
    public static final String SNAPSTART_BEFORE_CHECKPOINT_PATH = "/snapstart/before-checkpoint";
    /**
     * Where the Web Adapter POSTs after a SnapStart restore, before any request is let in: the function renews its id
     * generator and its SDK connection pools there (its {@code SnapshotHooks.AFTER_RESTORE_PATH}).
     */
    public static final String SNAPSTART_AFTER_RESTORE_PATH = "/snapstart/after-restore";
    /** The longest name IAM gives a role. */
    public static final int MAX_ROLE_NAME_LENGTH = 64;

    public static final Architecture ARCHITECTURE = Architecture.ARM_64;

    private static final List<String> NETWORK_INTERFACE_ACTIONS = List.of(
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses");

    private final Function function;
    private final Alias alias;

    /**
     * @param environmentName the environment (in descriptions and the function's environment)
     * @param roleName        the role's name, see {@link #roleName}
     * @param settings        the function's settings
     * @param defaultModelId  the model of a request that names none
     * @param allowedModelIds every model a request may name
     * @param logRetention    how long the function's log group keeps its events, and whether it survives its stack
     * @param functionPackage the Lambda zip ({@code run.sh} + {@code lib/function.jar})
     * @param network         the VPC, subnets and security group the function runs in
     * @param storage         the bucket of conversations and artifacts
     * @param bedrock         the Bedrock resources the function may invoke
     * @param access          how callers are told apart, and the secrets the function reads
     * @param prices          the prices of the allowed models, for the cost of each answer
     * @param quota           each person's daily limits
     * @param apiIamAuth      whether API Gateway authorizes {@code /v1} with IAM (the function then takes the
     *                        caller's ARN as the principal and needs no origin secret from those calls)
     */
    public record Props(
            String environmentName,
            String roleName,
            FunctionSettings settings,
            String defaultModelId,
            List<String> allowedModelIds,
            Retention logRetention,
            Path functionPackage,
            Network network,
            ArtifactStorage storage,
            BedrockModelAccess bedrock,
            Access access,
            ModelPrices prices,
            Quota quota,
            boolean apiIamAuth) {
        public Props {
            allowedModelIds = List.copyOf(allowedModelIds);
            if (!prices.byModel().keySet().equals(new LinkedHashSet<>(allowedModelIds))) {
                throw new IllegalArgumentException("the prices must be those of the allowed models");
            }
        }
    }

    /**
     * Sign-in as the function sees it ({@code AUTH_MODE} and what goes with it).
     *
     * @param mode               how callers are told apart
     * @param sharedToken        the shared token's secret (token mode), read at start-up
     * @param signInPool         the user pool whose ID tokens API Gateway's authorizer verified (oidc mode): the
     *                           function takes the claims from the request context and never calls Cognito
     * @param originVerifySecret the secret CloudFront sends in every request to the API, read at start-up
     */
    public record Access(
            AuthMode mode, Optional<ISecret> sharedToken, Optional<SignInPool> signInPool, ISecret originVerifySecret) {
        public Access {
            if (sharedToken.isPresent() != (mode == AuthMode.TOKEN)) {
                throw new IllegalArgumentException("a shared token's secret goes with the token mode alone");
            }
            if (signInPool.isPresent() != (mode == AuthMode.OIDC)) {
                throw new IllegalArgumentException("a user pool goes with the oidc mode alone");
            }
        }

        /** Every secret the function reads. */
        public List<ISecret> secrets() {
            List<ISecret> secrets = new ArrayList<>();
            secrets.add(originVerifySecret);
            sharedToken.ifPresent(secrets::add);
            return List.copyOf(secrets);
        }
    }

    private final Role role;

    public ChatFunction(Construct scope, String id, Props props) {
        super(scope, id);
        FunctionSettings settings = props.settings();
        IBucket bucket = props.storage().bucket();

        LogGroup logGroup = props.logRetention().logGroup(this, "Logs");

        // Policies by name, sorted: the template lists them in this order.
        Map<String, PolicyDocument> policies = new LinkedHashMap<>();
        policies.put(
                "ArtifactBucket",
                PolicyDocument.Builder.create()
                        .statements(props.storage().statements(null))
                        .build());
        policies.put(
                "BedrockModels",
                PolicyDocument.Builder.create()
                        .statements(props.bedrock().roleStatements())
                        .build());
        policies.put(
                "Logs",
                PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .sid("WriteOwnLogGroup")
                                .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
                                .resources(List.of(logGroup.getLogGroupArn()))
                                .build()))
                        .build());
        policies.put(
                "Secrets",
                PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .sid("ReadOwnSecrets")
                                .actions(List.of("secretsmanager:GetSecretValue"))
                                .resources(props.access().secrets().stream()
                                        .map(ISecret::getSecretArn)
                                        .toList())
                                .build()))
                        .build());
        policies.put(
                "VpcNetworkInterfaces",
                PolicyDocument.Builder.create()
                        .statements(List.of(PolicyStatement.Builder.create()
                                .sid("ManageNetworkInterfaces")
                                .actions(NETWORK_INTERFACE_ACTIONS)
                                .resources(List.of("*"))
                                .build()))
                        .build());
        role = Role.Builder.create(this, "Role")
                .roleName(props.roleName())
                .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
                .description("Chat function (" + props.environmentName() + "): allowed Bedrock models, its bucket"
                        + " prefixes, its secrets, its log group")
                .inlinePolicies(policies)
                .build();
        acknowledgeRoleFindings(role, bucket);

        Map<String, String> environment = environment(props, bucket);
        EnvironmentSize.check(environment);
        Network network = props.network();
        Function.Builder builder = Function.Builder.create(this, "Function")
                .description("Bedrock chat (" + props.environmentName() + ")")
                .runtime(Runtime.JAVA_25)
                .architecture(ARCHITECTURE)
                .code(Code.fromAsset(props.functionPackage().toString()))
                .handler(settings.streaming() ? DeploymentArtifacts.START_SCRIPT : BUFFERED_HANDLER)
                .memorySize(settings.memoryMb())
                .timeout(Duration.seconds(settings.timeoutSeconds()))
                .role(role)
                .logGroup(logGroup)
                .tracing(Tracing.ACTIVE)
                .vpc(network.vpc())
                .vpcSubnets(network.functionSubnets())
                .securityGroups(List.of(network.functionSecurityGroup()))
                .environment(environment);
        settings.reservedConcurrency().ifPresent(builder::reservedConcurrentExecutions);
        if (settings.snapStart()) {
            builder.snapStart(SnapStartConf.ON_PUBLISHED_VERSIONS);
        }
        if (settings.streaming()) {
            builder.layers(List.of(webAdapterLayer(settings.webAdapterLayerVersion())));
        }
        function = builder.build();

        if (settings.snapStart()) {
            Acknowledge.rule(
                    function,
                    "@aws-cdk/aws-lambda:snapStartRequirePublish",
                    "The alias '" + ALIAS_NAME + "' points at the published current version");
        }
        alias = Alias.Builder.create(this, "Alias")
                .aliasName(ALIAS_NAME)
                .version(function.getCurrentVersion())
                .description("The version the API invokes")
                .build();
    }

    private static void acknowledgeRoleFindings(Role role, IBucket bucket) {
        String bucketArn = Acknowledge.arnOf(bucket);
        for (String prefix : ArtifactStorage.KEY_PREFIXES) {
            Acknowledge.rule(
                    role,
                    "AwsSolutions-IAM5[Resource::" + bucketArn + "/" + prefix + "*]",
                    "Object access is limited to the " + prefix + " key prefix of the function's own bucket");
        }
        Acknowledge.rule(
                role,
                "AwsSolutions-IAM5[Resource::*]",
                "Only for actions without resource-level permissions (AWS docs): the network-interface actions"
                        + " Lambda needs to attach the function to its VPC, and X-Ray PutTraceSegments/"
                        + "PutTelemetryRecords; every Bedrock, S3 and Logs statement names exact resources");
    }

    /**
     * The name of the function's role in the stacks whose names start with {@code stackPrefix}, e.g.
     * {@code Chat-Dev-Function}.
     *
     * @throws IllegalArgumentException when the name would be longer than IAM allows
     */
    public static String roleName(String stackPrefix) {
        String name = stackPrefix + "-Function";
        if (name.length() > MAX_ROLE_NAME_LENGTH) {
            throw new IllegalArgumentException("the function role's name " + name + " is longer than IAM's "
                    + MAX_ROLE_NAME_LENGTH + " characters: use a shorter stack prefix");
        }
        return name;
    }

    private static Map<String, String> environment(Props props, IBucket bucket) {
        FunctionSettings settings = props.settings();
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CHAT_MODE", "bedrock");
        env.put("ENVIRONMENT_NAME", props.environmentName());
        env.put("BEDROCK_MODEL_ID", props.defaultModelId());
        env.put("ALLOWED_MODEL_IDS", String.join(",", props.allowedModelIds()));
        env.put("MODEL_PRICES", props.prices().json());
        env.put("MODEL_PRICES_TAKEN_ON", props.prices().takenOn());
        props.quota()
                .dailyTokensPerUser()
                .ifPresent(tokens -> env.put("USER_DAILY_TOKEN_QUOTA", Integer.toString(tokens)));
        props.quota().dailyUsdPerUser().ifPresent(usd -> env.put("USER_DAILY_USD_QUOTA", EnvironmentConfig.plain(usd)));
        env.put("ARTIFACT_BUCKET", bucket.getBucketName());
        if (!settings.systemPrompt().isEmpty()) {
            env.put("SYSTEM_PROMPT", settings.systemPrompt());
        }
        env.put("MAX_TOKENS", Integer.toString(settings.maxTokens()));
        env.put("TEMPERATURE", settings.temperature().stripTrailingZeros().toPlainString());
        env.put("MODEL_TIMEOUT_SECONDS", Integer.toString(settings.modelTimeoutSeconds()));
        env.put(
                "ANSWER_TIMEOUT_SECONDS",
                Integer.toString(ServiceLimits.answerTimeoutSeconds(settings.streaming(), settings.timeoutSeconds())));
        Access access = props.access();
        env.put("AUTH_MODE", access.mode().value());
        access.sharedToken().ifPresent(secret -> env.put("AUTH_TOKEN_SECRET_ARN", secret.getSecretArn()));
        access.signInPool().ifPresent(pool -> {
            // API Gateway verified the ID token; the function has no path to Cognito and needs no discovery.
            env.put("OIDC_VERIFIER", "apigateway");
            env.put("OIDC_ISSUER", pool.issuer());
            env.put("OIDC_AUTHORIZATION_ENDPOINT", pool.authorizationEndpoint());
            env.put("OIDC_TOKEN_ENDPOINT", pool.tokenEndpoint());
            env.put("OIDC_LOGOUT_ENDPOINT", pool.logoutEndpoint());
            env.put("OIDC_LOGOUT_STYLE", AuthConfigDocument.COGNITO_LOGOUT_STYLE);
            env.put("OIDC_SCOPES", String.join(" ", SignInPool.SCOPES));
        });
        env.put("ORIGIN_VERIFY_SECRET_ARN", access.originVerifySecret().getSecretArn());
        if (props.apiIamAuth()) {
            env.put("API_IAM_AUTH", "true");
        }
        if (settings.streaming()) {
            env.put("AWS_LAMBDA_EXEC_WRAPPER", "/opt/bootstrap");
            env.put("AWS_LWA_INVOKE_MODE", "response_stream");
            env.put("AWS_LWA_READINESS_CHECK_PATH", "/api/health");
            env.put("AWS_LWA_PASS_THROUGH_PATH", PASS_THROUGH_PATH);
            if (settings.snapStart()) {
                env.put("AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH", SNAPSTART_BEFORE_CHECKPOINT_PATH);
                env.put("AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH", SNAPSTART_AFTER_RESTORE_PATH);
            }
            env.put("PORT", PORT);
        }
        env.put("JAVA_TOOL_OPTIONS", JAVA_TOOL_OPTIONS);
        return env;
    }

    private ILayerVersion webAdapterLayer(int version) {
        return LayerVersion.fromLayerVersionArn(
                this, "WebAdapter", WebAdapterLayer.arn(Stack.of(this).getRegion(), ARCHITECTURE, version));
    }

    public Function function() {
        return function;
    }

    public Alias alias() {
        return alias;
    }

    public Role role() {
        return role;
    }
}
