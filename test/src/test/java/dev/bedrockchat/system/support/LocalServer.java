package dev.bedrockchat.system.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The real function jar started as its own process, as {@code java -jar function/target/function.jar} runs on a laptop.
 * Its environment is cleaned of every AWS setting and of the user's AWS files, so nothing can reach real AWS, and of
 * every sign-in setting: a test chooses the mode, the sign-in and the endpoints it wants.
 */
public final class LocalServer implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final Process process;
    private final URI baseUri;
    private final Path log;

    private LocalServer(Process process, URI baseUri, Path log) {
        this.process = process;
        this.baseUri = baseUri;
        this.log = log;
    }

    /** Starts the server with these settings on top of a clean environment and waits until /api/health answers. */
    public static LocalServer start(String name, Map<String, String> settings) {
        try {
            int port = ServerProcesses.freePort();
            Path home = Files.createTempDirectory("chat-home-");
            Path log = Repo.outputDir("server-logs").resolve(name + ".log");
            ProcessBuilder builder = new ProcessBuilder(
                            Repo.javaExecutable(), "-jar", Repo.functionJar().toString())
                    .directory(Repo.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            isolate(env, home, port);
            env.putAll(settings);
            Process process = builder.start();
            LocalServer server = new LocalServer(process, URI.create("http://127.0.0.1:" + port), log);
            server.awaitHealthy();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Removes what a developer's shell must not pass on to the server: every AWS setting, the chat mode, and every
     * sign-in setting (AUTH_MODE, AUTH_TOKEN and AUTH_TOKEN_SECRET_ARN, the OIDC_* provider settings,
     * ORIGIN_VERIFY_SECRET and ORIGIN_VERIFY_SECRET_ARN), so that a test runs as it says whatever the shell holds.
     */
    public static void clean(Map<String, String> env) {
        env.keySet()
                .removeIf(variable -> variable.startsWith("AWS_")
                        || variable.equals("CHAT_MODE")
                        || variable.startsWith("AUTH_")
                        || variable.startsWith("OIDC_")
                        || variable.startsWith("ORIGIN_VERIFY_SECRET"));
    }

    /**
     * Makes {@code env} that of a server on {@code port} that cannot reach real AWS: {@link #clean cleaned}, its HOME
     * the given folder (without AWS files, no instance metadata), its data in that folder.
     */
    public static void isolate(Map<String, String> env, Path home, int port) {
        clean(env);
        env.put("HOME", home.toString());
        env.put("AWS_CONFIG_FILE", home.resolve("no-aws-config").toString());
        env.put(
                "AWS_SHARED_CREDENTIALS_FILE",
                home.resolve("no-aws-credentials").toString());
        env.put("AWS_EC2_METADATA_DISABLED", "true");
        env.put("PORT", Integer.toString(port));
        env.put("CHAT_DATA_DIR", home.resolve("chat-data").toString());
    }

    /** Settings of a server whose Bedrock is the given local stand-in, with fake credentials. */
    public static Map<String, String> bedrockAt(URI bedrockEndpoint) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("CHAT_MODE", "bedrock");
        settings.put("AWS_REGION", "us-east-1");
        settings.put("AWS_ACCESS_KEY_ID", "AKIDLOCALTESTONLY");
        settings.put("AWS_SECRET_ACCESS_KEY", "local-test-secret");
        settings.put("AWS_ENDPOINT_URL_BEDROCK_RUNTIME", bedrockEndpoint.toString());
        return settings;
    }

    public URI uri(String path) {
        return baseUri.resolve(path);
    }

    public URI baseUri() {
        return baseUri;
    }

    public Path log() {
        return log;
    }

    public String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitHealthy() {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the function exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<Void> response = client.send(
                        HttpRequest.newBuilder(uri("/api/health"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            sleep(Duration.ofMillis(20));
        }
        close();
        throw new IllegalStateException("the function did not answer /api/health in " + START_TIMEOUT + ":\n" + tail());
    }

    private String tail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    @Override
    public void close() {
        ServerProcesses.stop(process, STOP_GRACE);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
