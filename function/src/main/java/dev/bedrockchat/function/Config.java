package dev.bedrockchat.function;

import dev.bedrockchat.function.server.HttpLimits;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
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
        Optional<String> authToken,
        Optional<Path> staticDir,
        String environmentName,
        Optional<URI> bedrockEndpoint,
        Optional<URI> s3Endpoint,
        boolean behindWebAdapter,
        HttpLimits httpLimits) {

    /** How the function answers: through Amazon Bedrock, or through the local offline stand-in. */
    public enum ChatMode {
        BEDROCK,
        OFFLINE
    }

    public static final String DEFAULT_MODEL_ID = "amazon.nova-lite-v1:0";
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
                reader.text("AUTH_TOKEN"),
                staticDir,
                reader.text("ENVIRONMENT_NAME").orElse("local"),
                endpoint(env, systemProperties, "AWS_ENDPOINT_URL_BEDROCK_RUNTIME", "aws.endpointUrlBedrockRuntime"),
                endpoint(env, systemProperties, "AWS_ENDPOINT_URL_S3", "aws.endpointUrlS3"),
                behindWebAdapter(reader),
                httpLimits(reader));
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
