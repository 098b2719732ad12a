package dev.bedrockchat.function;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.api.Api;
import dev.bedrockchat.function.api.HealthInfo;
import dev.bedrockchat.function.auth.AuthMode;
import dev.bedrockchat.function.auth.ProgramCallers;
import dev.bedrockchat.function.auth.SecretSource;
import dev.bedrockchat.function.auth.SignIn;
import dev.bedrockchat.function.auth.SignInSetupException;
import dev.bedrockchat.function.aws.AwsClients;
import dev.bedrockchat.function.aws.CredentialsProbe;
import dev.bedrockchat.function.aws.SecretsManagerSecrets;
import dev.bedrockchat.function.bedrock.BedrockChatModel;
import dev.bedrockchat.function.bedrock.ModelCallLimit;
import dev.bedrockchat.function.chat.ArtifactRecorder;
import dev.bedrockchat.function.chat.ArtifactStore;
import dev.bedrockchat.function.chat.ChatModel;
import dev.bedrockchat.function.chat.ChatService;
import dev.bedrockchat.function.chat.ChatSettings;
import dev.bedrockchat.function.chat.CompletionService;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.HistoryWindow;
import dev.bedrockchat.function.chat.ModelCatalog;
import dev.bedrockchat.function.chat.ModelCheck;
import dev.bedrockchat.function.chat.ModelPrices;
import dev.bedrockchat.function.chat.RandomIds;
import dev.bedrockchat.function.chat.SystemPrompt;
import dev.bedrockchat.function.chat.UsageMeter;
import dev.bedrockchat.function.http.StaticFiles;
import dev.bedrockchat.function.keys.ApiKeys;
import dev.bedrockchat.function.log.JsonLog;
import dev.bedrockchat.function.metrics.EmfRequestMetrics;
import dev.bedrockchat.function.offline.OfflineChatModel;
import dev.bedrockchat.function.store.ConversationCodec;
import dev.bedrockchat.function.store.ObjectConversationStore;
import dev.bedrockchat.function.store.ObjectStore;
import dev.bedrockchat.function.store.ObjectUsageStore;
import dev.bedrockchat.function.store.local.LocalArtifactStore;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import dev.bedrockchat.function.store.s3.S3ArtifactStore;
import dev.bedrockchat.function.store.s3.S3ObjectStore;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Wires the function together once, at start-up: configuration → adapters (Bedrock or the offline stand-in, S3 or
 * local files) → chat service → sign-in → API. The SDK clients are created here and nowhere else.
 */
public final class Application implements AutoCloseable {
    private final Config config;
    private final Api api;
    private final JsonLog log;
    private final ObjectMapper mapper;
    private final String mode;
    private final AwsClients aws;
    private final SignIn signIn;
    private final RandomIds ids;

    private Application(
            Config config,
            Api api,
            JsonLog log,
            ObjectMapper mapper,
            String mode,
            AwsClients aws,
            SignIn signIn,
            RandomIds ids) {
        this.ids = ids;
        this.config = config;
        this.api = api;
        this.log = log;
        this.mapper = mapper;
        this.mode = mode;
        this.aws = aws;
        this.signIn = signIn;
    }

    /** The application as configured by the process environment, with the SDK's default credentials chain. */
    public static Application fromEnvironment() {
        return builder(Config.fromEnvironment()).build();
    }

    public static Builder builder(Config config) {
        return new Builder(config);
    }

    public Config config() {
        return config;
    }

    public Api api() {
        return api;
    }

    public JsonLog log() {
        return log;
    }

    /** The JSON mapper the API uses (unknown properties are ignored). */
    public ObjectMapper mapper() {
        return mapper;
    }

    /** {@code bedrock} or {@code offline}. */
    public String mode() {
        return mode;
    }

    /** The SDK clients (for the check that a SnapStart restore renews their connections). */
    AwsClients aws() {
        return aws;
    }

    /** Where conversation ids come from (for the check that a SnapStart restore renews it). */
    RandomIds randomIds() {
        return ids;
    }

    /** The version from the jar's manifest ({@code Implementation-Version}), or {@code dev} outside the jar. */
    public static String version() {
        return Optional.ofNullable(Application.class.getPackage().getImplementationVersion())
                .orElse("dev");
    }

    @Override
    public void close() {
        signIn.close();
        aws.close();
    }

    /** Builds the application; tests replace the credentials, the output and the timing of the stand-in. */
    public static final class Builder {
        private final Config config;
        private AwsCredentialsProvider credentials;
        private PrintStream out = System.out;
        private Clock clock = Clock.systemUTC();
        private Duration offlineDeltaDelay = Duration.ofMillis(15);
        private List<Duration> artifactBackoff = ArtifactRecorder.BACKOFF;
        private Duration modelQueueWait = ModelCallLimit.QUEUE_WAIT;
        private Duration storageCallTimeout = S3ObjectStore.CALL_TIMEOUT;
        private Duration storageAttemptTimeout = S3ObjectStore.ATTEMPT_TIMEOUT;

        private Builder(Config config) {
            this.config = config;
        }

        /** Credentials to use instead of the default chain (they also count as available for the mode choice). */
        public Builder credentialsProvider(AwsCredentialsProvider provider) {
            this.credentials = provider;
            return this;
        }

        /** Where the structured log lines go (stdout by default). */
        public Builder logTo(PrintStream stream) {
            this.out = stream;
            return this;
        }

        public Builder clock(Clock value) {
            this.clock = value;
            return this;
        }

        public Builder offlineDeltaDelay(Duration delay) {
            this.offlineDeltaDelay = delay;
            return this;
        }

        public Builder artifactBackoff(List<Duration> backoff) {
            this.artifactBackoff = List.copyOf(backoff);
            return this;
        }

        /** How long a model call waits for a free slot before it is refused with ModelBusy. */
        public Builder modelQueueWait(Duration wait) {
            this.modelQueueWait = wait;
            return this;
        }

        /** The timeouts of each call to the S3 conversation storage (the whole call, and one attempt). */
        public Builder storageTimeouts(Duration call, Duration attempt) {
            this.storageCallTimeout = call;
            this.storageAttemptTimeout = attempt;
            return this;
        }

        /**
         * @throws Config.ConfigException when a setting cannot be used
         */
        public Application build() {
            var mapper = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            var log = new JsonLog(out, mapper, clock);
            Region region = Region.of(config.region());
            var startup = new LinkedHashMap<String, Object>();
            AwsCredentialsProvider provider = credentials;
            Config.ChatMode chatMode;
            if (config.chatMode().isPresent()) {
                chatMode = config.chatMode().get();
            } else if (provider != null) {
                startup.put("credentials", "provided");
                chatMode = Config.ChatMode.BEDROCK;
            } else {
                var probe = new CredentialsProbe(
                        System.getenv(),
                        System.getProperties(),
                        Path.of(System.getProperty("user.home", ".")),
                        Duration.ofSeconds(2));
                startup.put("credentials", probe.hint().orElse("none found"));
                // Resolving is only tried when a source is present, so a laptop without one never waits for IMDS.
                if (probe.hint().isPresent()) {
                    provider = DefaultCredentialsProvider.builder().build();
                }
                chatMode = provider != null && probe.resolves(provider)
                        ? Config.ChatMode.BEDROCK
                        : Config.ChatMode.OFFLINE;
            }
            // The default chain is only built when something will call AWS or it was probed (the offline stand-in
            // on local files never touches it).
            if (provider == null
                    && (chatMode == Config.ChatMode.BEDROCK
                            || config.artifactBucket().isPresent()
                            || config.auth().readsSecretsManager())) {
                provider = DefaultCredentialsProvider.builder().build();
            }
            var aws = new AwsClients(region, provider);
            try {
                return assemble(mapper, log, startup, chatMode, aws);
            } catch (RuntimeException e) {
                aws.close();
                throw e;
            }
        }

        /** Logs a client that could not be built in the background (every model call fails from then on). */
        private static BiConsumer<String, Throwable> clientFailed(JsonLog log) {
            return (client, e) -> {
                var fields = new LinkedHashMap<String, Object>();
                fields.put("client", client);
                fields.put("errorCause", e.getClass().getName());
                fields.put("message", String.valueOf(e.getMessage()));
                log.error("bedrock_client_failed", fields);
            };
        }

        private Application assemble(
                ObjectMapper mapper,
                JsonLog log,
                LinkedHashMap<String, Object> startup,
                Config.ChatMode chatMode,
                AwsClients aws) {
            ModelCatalog catalog;
            try {
                catalog = new ModelCatalog(config.defaultModelId(), config.allowedModelIds());
            } catch (IllegalArgumentException e) {
                throw new Config.ConfigException("BEDROCK_MODEL_ID / ALLOWED_MODEL_IDS: " + e.getMessage());
            }
            SystemPrompt systemPrompt;
            try {
                systemPrompt = SystemPrompt.load(config.systemPrompt(), config.personaDir());
            } catch (IllegalArgumentException e) {
                throw new Config.ConfigException(e.getMessage());
            }

            ChatModel model;
            if (chatMode == Config.ChatMode.BEDROCK) {
                int concurrency = config.bedrockMaxConcurrency();
                // Built while the server starts to listen (nothing before the first chat needs them).
                model = new BedrockChatModel(
                        aws.inBackground(
                                "Bedrock client",
                                () -> aws.bedrockRuntime(config.bedrockEndpoint(), config.modelTimeout(), concurrency),
                                clientFailed(log)),
                        aws.inBackground(
                                "Bedrock streaming client",
                                () -> aws.bedrockRuntimeAsync(
                                        config.bedrockEndpoint(), concurrency, config.modelTimeout()),
                                clientFailed(log)),
                        config.region(),
                        config.modelTimeout(),
                        new ModelCallLimit(concurrency, modelQueueWait));
            } else {
                model = new OfflineChatModel(offlineDeltaDelay);
            }

            var codec = new ConversationCodec(mapper);
            ConversationStore conversations;
            ArtifactStore artifactStore;
            ObjectStore objects;
            if (config.artifactBucket().isPresent()) {
                S3Client s3 = aws.s3(config.s3Endpoint());
                objects =
                        new S3ObjectStore(s3, config.artifactBucket().get(), storageCallTimeout, storageAttemptTimeout);
                conversations = new ObjectConversationStore("s3", objects, codec, clock);
                artifactStore = new S3ArtifactStore(s3, config.artifactBucket().get());
            } else {
                objects = new LocalObjectStore(config.dataDir());
                conversations = new ObjectConversationStore("local", objects, codec, clock);
                artifactStore = new LocalArtifactStore(config.dataDir());
            }
            // The offline stand-in costs nothing: its answers have no price, whatever MODEL_PRICES says.
            ModelPrices prices = chatMode == Config.ChatMode.BEDROCK ? config.modelPrices() : ModelPrices.NONE;
            var meter = new UsageMeter(
                    Optional.of(new ObjectUsageStore(objects, mapper, clock)),
                    prices,
                    config.quota(),
                    new EmfRequestMetrics(out, mapper, config.environmentName(), clock),
                    log,
                    clock);
            if (chatMode == Config.ChatMode.BEDROCK) {
                warnOfModelsWithoutPrice(catalog, log);
            }
            var recorder = new ArtifactRecorder(artifactStore, mapper, log, artifactBackoff);
            var ids = new RandomIds();
            var chatSettings = new ChatSettings(
                    config.maxMessageChars(),
                    config.maxTokens(),
                    config.temperature(),
                    config.environmentName(),
                    config.answerTimeout());
            var chat = new ChatService(
                    model,
                    catalog,
                    conversations,
                    recorder,
                    systemPrompt,
                    new HistoryWindow(config.historyBudgetChars()),
                    chatSettings,
                    clock,
                    meter,
                    ids);
            // The OpenAI-compatible API: the whole conversation comes with each request, as much as a chat turn sends.
            var completions = new CompletionService(
                    model,
                    catalog,
                    recorder,
                    chatSettings,
                    config.maxMessageChars() + config.historyBudgetChars(),
                    clock,
                    meter);

            Optional<StaticFiles> staticFiles = staticFiles(log);
            SignIn signIn = signIn(aws, mapper, log);
            var health = new HealthInfo(
                    model.mode(),
                    catalog.defaultModelId(),
                    config.region(),
                    conversations.kind(),
                    version(),
                    chatMode == Config.ChatMode.BEDROCK
                            ? config.bedrockEndpoint().map(URI::toString)
                            : Optional.empty(),
                    signIn.mode().wireName());
            var check = new ModelCheck(model, catalog, config.modelTimeout(), clock, log);
            // API keys belong to signed-in people: only in oidc mode; they live beside the conversations.
            Optional<ApiKeys> keys = signIn.mode() == AuthMode.OIDC
                    ? Optional.of(new ApiKeys(objects, mapper, clock))
                    : Optional.empty();
            var programs = new ProgramCallers(
                    signIn.authenticator(),
                    keys.<ProgramCallers.KeyOwners>map(owners -> owners),
                    config.auth().apiIamAuth());
            Api api;
            try {
                api = new Api(
                        chat,
                        completions,
                        check,
                        health,
                        signIn,
                        keys,
                        programs,
                        staticFiles,
                        log,
                        mapper,
                        new Snapshots(new Priming(config), ids, aws));
            } catch (RuntimeException e) {
                signIn.close();
                throw e;
            }

            startup.put("mode", model.mode());
            startup.put("model", catalog.defaultModelId());
            startup.put("allowedModels", catalog.models().size());
            startup.put("region", config.region());
            startup.put("storage", conversations.kind());
            startup.put("environment", config.environmentName());
            startup.put("modelTimeoutSeconds", config.modelTimeout().toSeconds());
            startup.put("answerTimeoutSeconds", config.answerTimeout().toSeconds());
            startup.put("bedrockMaxConcurrency", config.bedrockMaxConcurrency());
            startup.put("version", version());
            config.modelPrices().takenOn().ifPresent(day -> startup.put("pricesTakenOn", day));
            config.quota().tokens().ifPresent(tokens -> startup.put("dailyTokenQuota", tokens));
            config.quota().usd().ifPresent(usd -> startup.put("dailyUsdQuota", usd.toPlainString()));
            startup.putAll(signIn.description());
            startup.put("apiIamAuth", config.auth().apiIamAuth());
            startup.put("behindWebAdapter", config.behindWebAdapter());
            startup.put("personaFiles", systemPrompt.personaFiles());
            startup.put(
                    "staticDir",
                    staticFiles.map(files -> files.root().toString()).orElse(null));
            config.bedrockEndpoint().ifPresent(uri -> startup.put("bedrockEndpoint", uri.toString()));
            config.s3Endpoint().ifPresent(uri -> startup.put("s3Endpoint", uri.toString()));
            if (chatMode == Config.ChatMode.OFFLINE) {
                startup.put(
                        "notice",
                        "Offline stand-in: answers are canned and do not come from Amazon Bedrock. "
                                + "Provide AWS credentials or set CHAT_MODE=bedrock to use Bedrock.");
                log.warn("startup", startup);
            } else {
                log.info("startup", startup);
            }
            return new Application(config, api, log, mapper, model.mode(), aws, signIn, ids);
        }

        /**
         * One warning line naming the allowed models without a price (MODEL_PRICES): their answers have no cost
         * ({@code costUsd} null) and count nothing against a dollar quota.
         */
        private void warnOfModelsWithoutPrice(ModelCatalog catalog, JsonLog log) {
            List<String> unpriced = catalog.models().stream()
                    .map(ModelCatalog.Model::id)
                    .filter(id -> config.modelPrices().of(id).isEmpty())
                    .toList();
            if (!unpriced.isEmpty()) {
                log.warn(
                        "startup_models_without_price",
                        java.util.Map.of(
                                "models",
                                unpriced,
                                "notice",
                                "MODEL_PRICES has no price for these models: their answers have no estimated cost "
                                        + "(costUsd null) and count nothing against USER_DAILY_USD_QUOTA"));
            }
        }

        /** Sign-in as configured: secrets read once, the provider's discovery and keys fetched once. */
        private SignIn signIn(AwsClients aws, ObjectMapper mapper, JsonLog log) {
            SecretSource secrets = config.auth().readsSecretsManager()
                    ? new SecretsManagerSecrets(aws.secretsManager(config.auth().secretsManagerEndpoint()))
                    : SecretSource.NONE;
            try {
                return SignIn.start(config.auth(), secrets, mapper, clock, log);
            } catch (SignInSetupException e) {
                throw new Config.ConfigException(e.getMessage());
            }
        }

        private Optional<StaticFiles> staticFiles(JsonLog log) {
            if (config.staticDir().isEmpty()) {
                return Optional.empty();
            }
            Path dir = config.staticDir().get();
            if (!Files.isDirectory(dir)) {
                log.warn(
                        "startup_static_dir_missing",
                        java.util.Map.of(
                                "staticDir",
                                dir.toString(),
                                "notice",
                                "STATIC_DIR does not exist: no page is served, only the API"));
                return Optional.empty();
            }
            try {
                return Optional.of(new StaticFiles(dir));
            } catch (IOException e) {
                throw new Config.ConfigException("STATIC_DIR " + dir + " cannot be read: " + e.getMessage());
            }
        }
    }
}
