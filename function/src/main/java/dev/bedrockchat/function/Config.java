package dev.bedrockchat.function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.auth.AuthMode;
import dev.bedrockchat.function.auth.AuthSettings;
import dev.bedrockchat.function.auth.OidcSettings;
import dev.bedrockchat.function.auth.Secret;
import dev.bedrockchat.function.chat.DailyQuota;
import dev.bedrockchat.function.chat.ModelPrices;
import dev.bedrockchat.function.server.HttpLimits;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Properties;

/**
 * The function's configuration, read once at start-up from environment variables (and, for the SDK endpoint
 * overrides, the matching system properties). Every value is checked here so that a bad setting stops the start
 * with a message naming the variable, instead of failing on the first request.
 */
public record Config(
        String host,
        int port,
        Optional<ChatMode> chatMode,
        String defaultModelId,
        List<String> allowedModelIds,
        String region,
        Optional<String> artifactBucket,
        Path dataDir,
        String systemPrompt,
        Optional<Path> personaDir,
        int maxMessageChars,
        int maxTokens,
        double temperature,
        int historyBudgetChars,
        Duration modelTimeout,
        Duration answerTimeout,
        AuthSettings auth,
        Optional<Path> staticDir,
        String environmentName,
        Optional<URI> bedrockEndpoint,
        Optional<URI> s3Endpoint,
        boolean behindWebAdapter,
        HttpLimits httpLimits,
        int bedrockMaxConcurrency,
        ModelPrices modelPrices,
        DailyQuota quota) {

    /** How the function answers: through Amazon Bedrock, or through the local offline stand-in. */
    public enum ChatMode {
        BEDROCK,
        OFFLINE
    }

    public static final String DEFAULT_MODEL_ID = "amazon.nova-lite-v1:0";
    /**
     * BEDROCK_MAX_CONCURRENCY by default: parallel model calls per process; a local server holds 200 concurrent streams
     * (the benchmark's load run) without ModelBusy.
     */
    public static final int DEFAULT_BEDROCK_MAX_CONCURRENCY = 256;
    /** BEDROCK_MAX_CONCURRENCY by default in Lambda, where an instance has one request in flight at a time. */
    public static final int DEFAULT_LAMBDA_BEDROCK_MAX_CONCURRENCY = 16;

    public static final String DEFAULT_SYSTEM_PROMPT =
            "You are a helpful assistant. Answer clearly and concisely, and use Markdown when it helps.";

    /** A setting that cannot be used; the message names the variable and what is expected. */
    public static final class ConfigException extends RuntimeException {
        public ConfigException(String message) {
            super(message);
        }
    }

    public Config {
        allowedModelIds = List.copyOf(allowedModelIds);
    }

    /** Reads the process environment and system properties; relative paths resolve against the working directory. */
    public static Config fromEnvironment() {
        return from(System.getenv(), System.getProperties(), Path.of("").toAbsolutePath());
    }

    public static Config from(Map<String, String> env, Properties systemProperties, Path workingDir) {
        var reader = new Reader(env);
        List<String> allowed = reader.text("ALLOWED_MODEL_IDS").stream()
                .flatMap(list -> Arrays.stream(list.split(",")))
                .map(String::trim)
                .filter(id -> !id.isEmpty())
                .toList();
        Optional<Path> staticDir = reader.text("STATIC_DIR").map(workingDir::resolve);
        if (staticDir.isEmpty()) {
            Path builtPage = workingDir.resolve("frontend/dist");
            if (Files.isDirectory(builtPage)) {
                staticDir = Optional.of(builtPage);
            }
        }
        return new Config(
                reader.text("HOST").orElse("127.0.0.1"),
                reader.integer("PORT", 8080, 0, 65535),
                reader.text("CHAT_MODE").map(Config::chatMode),
                reader.text("BEDROCK_MODEL_ID").orElse(DEFAULT_MODEL_ID),
                allowed,
                reader.text("AWS_REGION")
                        .or(() -> reader.text("AWS_DEFAULT_REGION"))
                        .orElse("us-east-1"),
                reader.text("ARTIFACT_BUCKET"),
                workingDir.resolve(reader.text("CHAT_DATA_DIR").orElse(defaultDataDir(env))),
                reader.text("SYSTEM_PROMPT").orElse(DEFAULT_SYSTEM_PROMPT),
                reader.text("PERSONA_DIR").map(workingDir::resolve),
                reader.integer("MAX_MESSAGE_CHARS", 8000, 1, 1_000_000),
                reader.integer("MAX_TOKENS", 1024, 1, 1_000_000),
                reader.decimal("TEMPERATURE", 0.5, 0.0, 1.0),
                reader.integer("HISTORY_BUDGET_CHARS", 24000, 0, 10_000_000),
                Duration.ofSeconds(reader.integer("MODEL_TIMEOUT_SECONDS", 60, 1, 900)),
                Duration.ofSeconds(reader.integer("ANSWER_TIMEOUT_SECONDS", 600, 1, 900)),
                auth(reader, env, systemProperties),
                staticDir,
                reader.text("ENVIRONMENT_NAME").orElse("local"),
                endpoint(env, systemProperties, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "aws.endpointUrlBedrockRuntime"),
                endpoint(env, systemProperties, "AWS_ENDPOINT_URL_S3", "aws.endpointUrlS3"),
                behindWebAdapter(reader),
                httpLimits(reader),
                reader.integer(
                        "BEDROCK_MAX_CONCURRENCY",
                        env.containsKey("AWS_LAMBDA_FUNCTION_NAME")
                                ? DEFAULT_LAMBDA_BEDROCK_MAX_CONCURRENCY
                                : DEFAULT_BEDROCK_MAX_CONCURRENCY,
                        1,
                        1000),
                modelPrices(reader),
                new DailyQuota(
                        reader.wholeNumber("USER_DAILY_TOKEN_QUOTA", 1, 1_000_000_000_000L),
                        reader.text("USER_DAILY_USD_QUOTA").map(value -> usd("USER_DAILY_USD_QUOTA", value))));
    }

    private static final String PRICES_SHAPE =
            "{\"<model id>\":{\"inputPer1k\":<USD>,\"outputPer1k\":<USD>,\"cacheReadPer1k\"?:<USD>,"
                    + "\"cacheWritePer1k\"?:<USD>}}";

    /**
     * MODEL_PRICES (US dollars per 1,000 tokens of each model) and MODEL_PRICES_TAKEN_ON. Unset: no prices (every
     * cost is unknown). A value that is not the documented JSON stops the start with a message naming the model and
     * the field.
     */
    private static ModelPrices modelPrices(Reader reader) {
        Optional<String> takenOn = reader.text("MODEL_PRICES_TAKEN_ON");
        Optional<String> text = reader.text("MODEL_PRICES");
        if (text.isEmpty()) {
            return new ModelPrices(Map.of(), takenOn);
        }
        JsonNode json;
        try {
            json = new ObjectMapper()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readTree(text.get());
        } catch (JsonProcessingException e) {
            throw new ConfigException(
                    "MODEL_PRICES is not valid JSON (" + e.getOriginalMessage() + "): set it to " + PRICES_SHAPE);
        }
        if (json == null || !json.isObject()) {
            throw new ConfigException("MODEL_PRICES must be a JSON object " + PRICES_SHAPE);
        }
        var prices = new LinkedHashMap<String, ModelPrices.Price>();
        for (Map.Entry<String, JsonNode> entry : json.properties()) {
            String model = entry.getKey();
            JsonNode price = entry.getValue();
            if (!price.isObject()) {
                throw new ConfigException("MODEL_PRICES: the price of " + model + " must be an object "
                        + "{\"inputPer1k\":<USD>,\"outputPer1k\":<USD>}");
            }
            for (Map.Entry<String, JsonNode> field : price.properties()) {
                if (!PRICE_FIELDS.contains(field.getKey())) {
                    throw new ConfigException("MODEL_PRICES: " + model + " has the unknown field '" + field.getKey()
                            + "': use only " + String.join(", ", PRICE_FIELDS));
                }
            }
            prices.put(
                    model,
                    new ModelPrices.Price(
                            price(model, price, "inputPer1k", true),
                            price(model, price, "outputPer1k", true),
                            price(model, price, "cacheReadPer1k", false),
                            price(model, price, "cacheWritePer1k", false)));
        }
        return new ModelPrices(prices, takenOn);
    }

    private static final List<String> PRICE_FIELDS =
            List.of("inputPer1k", "outputPer1k", "cacheReadPer1k", "cacheWritePer1k");

    private static BigDecimal price(String model, JsonNode price, String field, boolean required) {
        JsonNode value = price.get(field);
        if (value == null || value.isNull()) {
            if (required) {
                throw new ConfigException(
                        "MODEL_PRICES: " + model + " has no " + field + ": give its US dollars per " + "1,000 tokens");
            }
            return null;
        }
        if (!value.isNumber() || value.decimalValue().signum() < 0) {
            throw new ConfigException("MODEL_PRICES: " + field + " of " + model
                    + " must be a number of US dollars per 1,000 tokens, 0 or more, not " + value);
        }
        return value.decimalValue();
    }

    private static BigDecimal usd(String variable, String value) {
        try {
            BigDecimal usd = new BigDecimal(value);
            if (usd.signum() <= 0) {
                throw new NumberFormatException();
            }
            return usd;
        } catch (NumberFormatException e) {
            throw new ConfigException(
                    variable + " must be a positive number of US dollars such as 0.50, not '" + value + "'");
        }
    }

    /**
     * Whether the process runs in Lambda behind the Lambda Web Adapter: Lambda sets AWS_LAMBDA_FUNCTION_NAME, and the
     * adapter is started through AWS_LAMBDA_EXEC_WRAPPER. Only then are the adapter's request headers
     * ({@code x-amzn-request-context}, {@code x-amzn-lambda-context}) trusted, as the adapter replaces whatever a
     * client sent in them; anywhere else a client could forge them.
     */
    private static boolean behindWebAdapter(Reader reader) {
        return reader.text("AWS_LAMBDA_EXEC_WRAPPER").isPresent()
                && reader.text("AWS_LAMBDA_FUNCTION_NAME").isPresent();
    }

    /** The HTTP server's limits (HTTP_*): sizes in bytes, times in seconds. */
    private static HttpLimits httpLimits(Reader reader) {
        HttpLimits defaults = HttpLimits.DEFAULTS;
        return new HttpLimits(
                reader.integer("HTTP_MAX_REQUEST_LINE_BYTES", defaults.maxRequestLineBytes(), 256, 1024 * 1024),
                reader.integer("HTTP_MAX_HEADER_BYTES", defaults.maxHeaderBytes(), 1024, 1024 * 1024),
                reader.integer("HTTP_MAX_HEADER_FIELDS", defaults.maxHeaderFields(), 8, 10_000),
                reader.seconds("HTTP_HEAD_TIMEOUT_SECONDS", defaults.headTimeout(), 3600),
                reader.seconds("HTTP_BODY_TIMEOUT_SECONDS", defaults.bodyTimeout(), 3600),
                reader.seconds("HTTP_IDLE_TIMEOUT_SECONDS", defaults.idleTimeout(), 3600),
                reader.seconds("HTTP_SEND_TIMEOUT_SECONDS", defaults.sendTimeout(), 3600),
                reader.integer("HTTP_MAX_CONNECTIONS", defaults.maxConnections(), 1, 100_000));
    }

    /**
     * The sign-in settings: AUTH_MODE (default {@code token} when AUTH_TOKEN or AUTH_TOKEN_SECRET_ARN is set, else
     * {@code none}), the shared token, the OIDC_* settings and the origin secret. Settings that contradict the mode are
     * refused rather than ignored.
     */
    private static AuthSettings auth(Reader reader, Map<String, String> env, Properties systemProperties) {
        Optional<String> token = reader.text("AUTH_TOKEN");
        Optional<String> tokenArn = reader.text("AUTH_TOKEN_SECRET_ARN");
        AuthMode mode = reader.text("AUTH_MODE")
                .map(value -> AuthMode.parse(value)
                        .orElseThrow(() -> new ConfigException("AUTH_MODE must be 'none', 'token' or 'oidc' (or unset: "
                                + "'token' when AUTH_TOKEN or AUTH_TOKEN_SECRET_ARN is set, else 'none'), not '"
                                + value + "'")))
                .orElse(token.isPresent() || tokenArn.isPresent() ? AuthMode.TOKEN : AuthMode.NONE);
        if (token.isPresent() && tokenArn.isPresent()) {
            throw new ConfigException("AUTH_TOKEN and AUTH_TOKEN_SECRET_ARN are both set: use AUTH_TOKEN locally, "
                    + "AUTH_TOKEN_SECRET_ARN in AWS, not both");
        }
        if (mode == AuthMode.TOKEN && token.isEmpty() && tokenArn.isEmpty()) {
            throw new ConfigException("AUTH_MODE is 'token' but no token is set: set AUTH_TOKEN (or, in AWS, "
                    + "AUTH_TOKEN_SECRET_ARN)");
        }
        if (mode != AuthMode.TOKEN && (token.isPresent() || tokenArn.isPresent())) {
            throw new ConfigException("AUTH_MODE is '" + mode.wireName() + "' but "
                    + (token.isPresent() ? "AUTH_TOKEN" : "AUTH_TOKEN_SECRET_ARN")
                    + " is set: unset it, or use AUTH_MODE=token");
        }
        if (tokenArn.isPresent()) {
            secretArn("AUTH_TOKEN_SECRET_ARN", tokenArn.get());
        }
        Optional<String> originSecret = reader.text("ORIGIN_VERIFY_SECRET");
        Optional<String> originArn = reader.text("ORIGIN_VERIFY_SECRET_ARN");
        if (originSecret.isPresent() && originArn.isPresent()) {
            throw new ConfigException("ORIGIN_VERIFY_SECRET and ORIGIN_VERIFY_SECRET_ARN are both set: use "
                    + "ORIGIN_VERIFY_SECRET locally, ORIGIN_VERIFY_SECRET_ARN in AWS, not both");
        }
        originArn.ifPresent(arn -> secretArn("ORIGIN_VERIFY_SECRET_ARN", arn));
        Optional<OidcSettings> oidc = Optional.empty();
        if (mode == AuthMode.OIDC) {
            oidc = Optional.of(oidc(reader));
        } else {
            List.of("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_VERIFIER").stream()
                    .filter(name -> reader.text(name).isPresent())
                    .findFirst()
                    .ifPresent(name -> {
                        throw new ConfigException(name + " is set but AUTH_MODE is '" + mode.wireName()
                                + "': set AUTH_MODE=oidc to sign in with an OpenID Connect provider");
                    });
        }
        return new AuthSettings(
                mode,
                token.map(Secret::of),
                tokenArn,
                oidc,
                originSecret.map(Secret::of),
                originArn,
                endpoint(env, systemProperties, "AWS_ENDPOINT_URL_SECRETS_MANAGER", "aws.endpointUrlSecretsManager"),
                reader.bool("API_IAM_AUTH", false));
    }

    private static OidcSettings oidc(Reader reader) {
        String issuer = reader.text("OIDC_ISSUER")
                .orElseThrow(
                        () -> new ConfigException(
                                "AUTH_MODE is 'oidc' but OIDC_ISSUER is not set: set it to the "
                                        + "provider's issuer URL (its discovery document is <issuer>/.well-known/openid-configuration)"));
        providerUrl("OIDC_ISSUER", issuer);
        String clientId = reader.text("OIDC_CLIENT_ID")
                .orElseThrow(
                        () -> new ConfigException(
                                "AUTH_MODE is 'oidc' but OIDC_CLIENT_ID is not set: set it to the page's client id at the provider"));
        OidcSettings.Verifier verifier = reader.text("OIDC_VERIFIER")
                .map(value -> switch (value.toLowerCase(Locale.ROOT)) {
                    case "function" -> OidcSettings.Verifier.FUNCTION;
                    case "apigateway" -> OidcSettings.Verifier.APIGATEWAY;
                    default ->
                        throw new ConfigException("OIDC_VERIFIER must be 'function' (the function verifies tokens) "
                                + "or 'apigateway' (API Gateway's Cognito authorizer has), not '" + value + "'");
                })
                .orElse(OidcSettings.Verifier.FUNCTION);
        Optional<URI> authorization = reader.text("OIDC_AUTHORIZATION_ENDPOINT")
                .map(value -> providerUrl("OIDC_AUTHORIZATION_ENDPOINT", value));
        Optional<URI> token =
                reader.text("OIDC_TOKEN_ENDPOINT").map(value -> providerUrl("OIDC_TOKEN_ENDPOINT", value));
        Optional<URI> logout =
                reader.text("OIDC_LOGOUT_ENDPOINT").map(value -> providerUrl("OIDC_LOGOUT_ENDPOINT", value));
        if (verifier == OidcSettings.Verifier.APIGATEWAY && (authorization.isEmpty() || token.isEmpty())) {
            throw new ConfigException("OIDC_VERIFIER is 'apigateway', which fetches no discovery document: set "
                    + "OIDC_AUTHORIZATION_ENDPOINT and OIDC_TOKEN_ENDPOINT");
        }
        OidcSettings.LogoutStyle logoutStyle = reader.text("OIDC_LOGOUT_STYLE")
                .map(value -> switch (value.toLowerCase(Locale.ROOT)) {
                    case "oidc" -> OidcSettings.LogoutStyle.OIDC;
                    case "cognito" -> OidcSettings.LogoutStyle.COGNITO;
                    default ->
                        throw new ConfigException("OIDC_LOGOUT_STYLE must be 'oidc' (RP-initiated logout) or "
                                + "'cognito' (Cognito's logout endpoint), not '" + value + "'");
                })
                .orElse(OidcSettings.LogoutStyle.OIDC);
        if (logoutStyle == OidcSettings.LogoutStyle.COGNITO && logout.isEmpty()) {
            throw new ConfigException("OIDC_LOGOUT_STYLE is 'cognito' but OIDC_LOGOUT_ENDPOINT is not set: set it to "
                    + "the managed login domain's /logout address");
        }
        List<String> scopes = reader.text("OIDC_SCOPES")
                .map(value -> Arrays.stream(value.split("[\\s,]+"))
                        .filter(scope -> !scope.isEmpty())
                        .distinct()
                        .toList())
                .orElse(OidcSettings.DEFAULT_SCOPES);
        if (!scopes.contains("openid")) {
            throw new ConfigException("OIDC_SCOPES must include 'openid' (an ID token is what signs the page in), not '"
                    + String.join(" ", scopes) + "'");
        }
        return new OidcSettings(issuer, clientId, verifier, authorization, token, logout, logoutStyle, scopes);
    }

    /** An address of the provider: https://, or http:// on this machine only (a local provider). */
    private static URI providerUrl(String variable, String value) {
        URI uri;
        try {
            uri = URI.create(value);
        } catch (IllegalArgumentException e) {
            uri = null;
        }
        String scheme =
                uri == null || uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String host = uri == null || uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
        boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
        if (host.isEmpty()
                || uri.getRawUserInfo() != null
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || !(scheme.equals("https") || (scheme.equals("http") && loopback))) {
            throw new ConfigException(variable + " must be an https:// URL without query or fragment (http:// only on "
                    + "localhost), such as https://login.example.com/realms/chat, not '" + value + "'");
        }
        return uri;
    }

    private static void secretArn(String variable, String value) {
        if (!value.matches("arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\\d{12}:secret:.+")) {
            throw new ConfigException(variable + " must be the ARN of a secret in AWS Secrets Manager "
                    + "(arn:aws:secretsmanager:<region>:<account>:secret:<name>), not '" + value + "'");
        }
    }

    /** {@code .chat-data} under the working directory; in Lambda, where only /tmp is writable, under /tmp. */
    private static String defaultDataDir(Map<String, String> env) {
        return env.containsKey("AWS_LAMBDA_FUNCTION_NAME") ? "/tmp/chat-data" : ".chat-data";
    }

    private static ChatMode chatMode(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "bedrock" -> ChatMode.BEDROCK;
            case "offline" -> ChatMode.OFFLINE;
            default ->
                throw new ConfigException(
                        "CHAT_MODE must be 'bedrock' or 'offline' (or unset to choose from the AWS credentials), not '"
                                + value + "'");
        };
    }

    /**
     * The endpoint override the AWS SDK itself honours (service variable first, then the global one). It is read
     * here so that the function knows whether the endpoint is plain http:// (and can pass it on explicitly).
     */
    private static Optional<URI> endpoint(Map<String, String> env, Properties props, String variable, String property) {
        String value = firstNonBlank(
                env.get(variable),
                props.getProperty(property),
                env.get("AWS_ENDPOINT_URL"),
                props.getProperty("aws.endpointUrl"));
        if (value == null) {
            return Optional.empty();
        }
        try {
            URI uri = URI.create(value.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
            return Optional.of(uri);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(
                    variable + " must be an absolute URL such as http://127.0.0.1:4566, not '" + value + "'");
        }
    }

    private static String firstNonBlank(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    private record Reader(Map<String, String> env) {
        Optional<String> text(String name) {
            String value = env.get(name);
            return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
        }

        OptionalLong wholeNumber(String name, long min, long max) {
            Optional<String> value = text(name);
            if (value.isEmpty()) {
                return OptionalLong.empty();
            }
            try {
                long parsed = Long.parseLong(value.get());
                if (parsed < min || parsed > max) {
                    throw new NumberFormatException();
                }
                return OptionalLong.of(parsed);
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        name + " must be a whole number from " + min + " to " + max + ", not '" + value.get() + "'");
            }
        }

        int integer(String name, int fallback, int min, int max) {
            Optional<String> value = text(name);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                int parsed = Integer.parseInt(value.get());
                if (parsed < min || parsed > max) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        name + " must be a whole number from " + min + " to " + max + ", not '" + value.get() + "'");
            }
        }

        boolean bool(String name, boolean fallback) {
            return text(name)
                    .map(value -> switch (value.toLowerCase(Locale.ROOT)) {
                        case "true" -> true;
                        case "false" -> false;
                        default -> throw new ConfigException(name + " must be 'true' or 'false', not '" + value + "'");
                    })
                    .orElse(fallback);
        }

        Duration seconds(String name, Duration fallback, int max) {
            return Duration.ofSeconds(integer(name, (int) fallback.toSeconds(), 1, max));
        }

        double decimal(String name, double fallback, double min, double max) {
            Optional<String> value = text(name);
            if (value.isEmpty()) {
                return fallback;
            }
            try {
                double parsed = Double.parseDouble(value.get());
                if (!(parsed >= min && parsed <= max)) {
                    throw new NumberFormatException();
                }
                return parsed;
            } catch (NumberFormatException e) {
                throw new ConfigException(
                        name + " must be a number from " + min + " to " + max + ", not '" + value.get() + "'");
            }
        }
    }
}
