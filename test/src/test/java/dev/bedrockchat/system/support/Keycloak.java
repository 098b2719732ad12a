package dev.bedrockchat.system.support;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real OpenID Connect provider for the system tests: Keycloak's server distribution (unpacked by the build into
 * {@code test/target/keycloak}) started in development mode on a free port of 127.0.0.1, with an in-memory H2
 * database of its own, so every start begins from nothing but the realm file.
 *
 * <p>The realm {@value #REALM} comes from {@code keycloak/bedrock-chat-realm.json} (a template filled in at start): the
 * public client {@value #CHAT_PAGE} (authorization code flow with PKCE S256 required, refresh tokens, no password
 * grant) and the users {@link #alice()} and {@link #bob()} with passwords made for this start. The client's redirect
 * URIs, post-logout redirect URIs and web origin are set once the page's address is known: {@link #allowChatPageAt}.
 *
 * <p>Keycloak's first start in a build runs its one-time build step (about 10 s more); later starts reuse it. Starts
 * run one at a time (they share the distribution's {@code data/import} folder). The output goes to
 * {@code test/target/server-logs/keycloak-NAME.log}.
 */
public final class Keycloak implements AutoCloseable {
    public static final String REALM = "bedrock-chat";
    public static final String CHAT_PAGE = "chat-page";

    private static final String REALM_TEMPLATE = "/keycloak/bedrock-chat-realm.json";
    private static final String ADMIN_USERNAME = "admin";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z]+)}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Starts share the distribution's data/import folder and its one-time build step: one at a time. */
    private static final Object STARTS = new Object();

    /** A user of the realm, with the password made for this start. */
    public record User(String username, String password, String email, String name) {}

    /** What may differ between the tests' Keycloaks. */
    public record Settings(Duration tokenLifespan) {
        public Settings {
            if (tokenLifespan.toSeconds() < 1) {
                throw new IllegalArgumentException("tokenLifespan must be at least one second: " + tokenLifespan);
            }
        }

        /** Access and ID tokens valid for five minutes (Keycloak's default). */
        public static Settings defaults() {
            return new Settings(Duration.ofMinutes(5));
        }

        /** Access and ID tokens valid for {@code lifespan}, e.g. a few seconds for a test of the refresh. */
        public Settings withTokenLifespan(Duration lifespan) {
            return new Settings(lifespan);
        }
    }

    private final Http http = new Http();
    private final Process process;
    private final URI baseUri;
    private final String adminPassword;
    private final User alice;
    private final User bob;
    private final Settings settings;
    private final Path log;
    private final Thread stopAtExit;
    private JsonNode discovery;

    private Keycloak(
            Process process,
            URI baseUri,
            String adminPassword,
            User alice,
            User bob,
            Settings settings,
            Path log,
            Thread stopAtExit) {
        this.process = process;
        this.baseUri = baseUri;
        this.adminPassword = adminPassword;
        this.alice = alice;
        this.bob = bob;
        this.settings = settings;
        this.log = log;
        this.stopAtExit = stopAtExit;
    }

    public static Keycloak start(String name) {
        return start(name, Settings.defaults());
    }

    /**
     * Starts Keycloak with the realm imported and waits until the realm's discovery document answers. {@code name}
     * names the log file.
     */
    public static Keycloak start(String name, Settings settings) {
        synchronized (STARTS) {
            try {
                return launch(name, settings);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static Keycloak launch(String name, Settings settings) throws IOException {
        Path home = home();
        int port = ServerProcesses.freePort();
        URI baseUri = URI.create("http://127.0.0.1:" + port);
        User alice = new User("alice", newSecret(), "alice@example.com", "Alice Example");
        User bob = new User("bob", newSecret(), "bob@example.com", "Bob Example");
        String adminPassword = newSecret();
        writeRealm(
                home.resolve("data/import"),
                Map.of(
                        "tokenLifespanSeconds",
                                Long.toString(settings.tokenLifespan().toSeconds()),
                        "alicePassword", alice.password(),
                        "bobPassword", bob.password()));

        Path log = Repo.outputDir("server-logs").resolve("keycloak-" + name + ".log");
        ProcessBuilder builder = new ProcessBuilder(
                        "sh",
                        home.resolve("bin/kc.sh").toString(),
                        "start-dev",
                        "--http-host=127.0.0.1",
                        "--http-port=" + port,
                        // One issuer whatever Host header a client sends (localhost, 127.0.0.1).
                        "--hostname=" + baseUri,
                        "--db=dev-mem",
                        "--import-realm")
                .directory(home.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        // Nothing of a developer's own Keycloak or JVM settings: kc.sh reads these.
        env.keySet()
                .removeIf(key -> key.startsWith("KC_")
                        || key.startsWith("KEYCLOAK_")
                        || key.startsWith("QUARKUS_")
                        || key.startsWith("JAVA_OPTS")
                        || List.of("JAVA", "JAVA_ADD_OPENS", "JAVA_LOCALE", "DEBUG", "DEBUG_PORT", "DEBUG_SUSPEND")
                                .contains(key));
        // Keycloak needs a JDK 21+: the toolchain JDK that runs the tests, not the machine's default java.
        env.put("JAVA_HOME", Repo.javaHome().toString());
        // jboss-threads resets thread locals through java.lang on JDK 24+ (else a stack trace at every stop).
        env.put("JAVA_OPTS_APPEND", "--add-opens=java.base/java.lang=ALL-UNNAMED");
        env.put("KC_BOOTSTRAP_ADMIN_USERNAME", ADMIN_USERNAME);
        env.put("KC_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);

        long started = System.nanoTime();
        Process process = builder.start();
        process.getOutputStream().close();
        Thread stopAtExit = new Thread(() -> stopTree(process), "stop-keycloak-" + name);
        Runtime.getRuntime().addShutdownHook(stopAtExit);
        Keycloak keycloak = new Keycloak(process, baseUri, adminPassword, alice, bob, settings, log, stopAtExit);
        try {
            keycloak.awaitDiscovery();
        } catch (RuntimeException e) {
            keycloak.close();
            throw e;
        }
        System.out.printf(
                "Keycloak %s answers at %s after %.1f s (log: %s)%n",
                name, keycloak.issuer(), (System.nanoTime() - started) / 1e9, log);
        return keycloak;
    }

    /** The unpacked distribution: {@code keycloak.home} (set by the build), else the one under test/target. */
    static Path home() {
        String configured = System.getProperty("keycloak.home");
        Path home;
        if (configured != null) {
            home = Path.of(configured);
        } else {
            Path unpacked = Repo.root().resolve("test/target/keycloak");
            try (Stream<Path> dirs = Files.isDirectory(unpacked) ? Files.list(unpacked) : Stream.empty()) {
                home = dirs.filter(dir -> dir.getFileName().toString().startsWith("keycloak-"))
                        .findFirst()
                        .orElse(unpacked.resolve("keycloak-VERSION"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            throw new IllegalStateException(
                    home.resolve("bin/kc.sh") + " is missing: the build unpacks Keycloak"
                            + " before the system tests (./mvnw -pl test -am verify, or ./mvnw -pl test dependency:unpack@unpack-keycloak)");
        }
        return home;
    }

    /** The realm file from the template, alone in the folder {@code --import-realm} reads. */
    private static void writeRealm(Path importDir, Map<String, String> values) throws IOException {
        String template;
        try (InputStream in = Keycloak.class.getResourceAsStream(REALM_TEMPLATE)) {
            if (in == null) {
                throw new IllegalStateException(REALM_TEMPLATE + " is missing from the test resources");
            }
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        Matcher placeholder = PLACEHOLDER.matcher(template);
        StringBuilder realm = new StringBuilder();
        while (placeholder.find()) {
            String value = values.get(placeholder.group(1));
            if (value == null) {
                throw new IllegalStateException(
                        REALM_TEMPLATE + " uses ${" + placeholder.group(1) + "}, which the harness does not fill in");
            }
            placeholder.appendReplacement(
                    realm,
                    Matcher.quoteReplacement(
                            new String(JsonStringEncoder.getInstance().quoteAsString(value))));
        }
        placeholder.appendTail(realm);

        Files.createDirectories(importDir);
        try (Stream<Path> old = Files.list(importDir)) {
            for (Path file : old.toList()) {
                Files.delete(file);
            }
        }
        Files.writeString(importDir.resolve(REALM + "-realm.json"), realm);
    }

    /** {@code http://127.0.0.1:PORT}: Keycloak's own address. */
    public URI baseUri() {
        return baseUri;
    }

    /** The realm's issuer, {@code http://127.0.0.1:PORT/realms/bedrock-chat}: the function's {@code OIDC_ISSUER}. */
    public URI issuer() {
        return URI.create(baseUri + "/realms/" + REALM);
    }

    /** The discovery document ({@code .well-known/openid-configuration}) as it answered at start. */
    public JsonNode discovery() {
        return discovery;
    }

    /** An endpoint named in the discovery document, e.g. {@code token_endpoint}. */
    public URI endpoint(String name) {
        String value = discovery.path(name).asText("");
        if (value.isEmpty()) {
            throw new IllegalStateException("the discovery document names no " + name + ": " + discovery);
        }
        return URI.create(value);
    }

    /** Alice Example (alice@example.com, verified). */
    public User alice() {
        return alice;
    }

    /** Bob Example (bob@example.com, verified). */
    public User bob() {
        return bob;
    }

    public Settings settings() {
        return settings;
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

    /** The Keycloak server's process: kc.sh's java child, or kc.sh itself after its build step replaced it by java. */
    public ProcessHandle serverProcess() {
        return process.descendants().findFirst().orElse(process.toHandle());
    }

    /**
     * Lets the page at {@code pageBaseUri} (e.g. the local server's {@code http://127.0.0.1:PORT}) sign in with
     * {@value #CHAT_PAGE}: redirect URIs and post-logout redirect URIs {@code pageBaseUri/*}, web origin its origin.
     * Replaces what an earlier call allowed.
     */
    public void allowChatPageAt(URI pageBaseUri) {
        String base = pageBaseUri.toString().replaceAll("/+$", "");
        String origin = pageBaseUri.getScheme() + "://" + pageBaseUri.getRawAuthority();
        ObjectNode client = (ObjectNode) admin("GET", "/clients/" + chatPageId(), null);
        ArrayNode redirects = client.putArray("redirectUris");
        redirects.add(base + "/*");
        client.putArray("webOrigins").add(origin);
        ((ObjectNode) client.path("attributes")).put("post.logout.redirect.uris", base + "/*");
        admin("PUT", "/clients/" + chatPageId(), client);
    }

    /** The client {@value #CHAT_PAGE} as Keycloak holds it (its admin representation). */
    public JsonNode chatPageClient() {
        return admin("GET", "/clients/" + chatPageId(), null);
    }

    /** The user's id in the realm: the {@code sub} of their tokens. */
    public String userId(String username) {
        JsonNode users = admin("GET", "/users?exact=true&username=" + encode(username), null);
        if (users.size() != 1) {
            throw new IllegalStateException("the realm has " + users.size() + " users named " + username);
        }
        return users.get(0).path("id").asText();
    }

    private String chatPageId() {
        JsonNode clients = admin("GET", "/clients?clientId=" + CHAT_PAGE, null);
        if (clients.size() != 1) {
            throw new IllegalStateException("the realm has " + clients.size() + " clients " + CHAT_PAGE);
        }
        return clients.get(0).path("id").asText();
    }

    /** One call of the realm's admin REST API as the bootstrap admin; its JSON answer, or null when it has none. */
    private JsonNode admin(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUri + "/admin/realms/" + REALM + path))
                .header("Authorization", "Bearer " + adminToken())
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        Http.Reply reply = http.send(request);
        if (reply.status() / 100 != 2) {
            throw new IllegalStateException("Keycloak's admin API answered " + reply.status() + " to " + method + " "
                    + path + ": " + reply.response().body());
        }
        return reply.response().body().isBlank() ? null : reply.json();
    }

    private String adminToken() {
        Http.Reply reply =
                http.send(HttpRequest.newBuilder(URI.create(baseUri + "/realms/master/protocol/openid-connect/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form(Map.of(
                                "grant_type",
                                "password",
                                "client_id",
                                "admin-cli",
                                "username",
                                ADMIN_USERNAME,
                                "password",
                                adminPassword)))));
        if (reply.status() != 200) {
            throw new IllegalStateException("Keycloak refused the admin sign-in: " + reply.status() + " "
                    + reply.response().body());
        }
        return reply.json().path("access_token").asText();
    }

    private void awaitDiscovery() {
        URI uri = URI.create(issuer() + "/.well-known/openid-configuration");
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + ":\n" + tail());
            }
            try {
                HttpResponse<String> response = client.send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(5))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    discovery = Http.parse(response.body());
                    if (!issuer().toString().equals(discovery.path("issuer").asText())) {
                        throw new IllegalStateException("Keycloak names the issuer "
                                + discovery.path("issuer").asText() + ", not " + issuer());
                    }
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while Keycloak starts", e);
            }
            sleep(Duration.ofMillis(100));
        }
        throw new IllegalStateException("Keycloak did not answer " + uri + " in " + START_TIMEOUT + ":\n" + tail());
    }

    private String tail() {
        List<String> lines = logText().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Stops kc.sh and its java child, and waits until both are gone. */
    @Override
    public void close() {
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException shuttingDown) {
            // the hook itself stops it
        }
        stopTree(process);
    }

    private static void stopTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(STOP_TIMEOUT);
        for (ProcessHandle handle : tree) {
            try {
                Duration left = Duration.between(Instant.now(), deadline);
                handle.onExit().get(Math.max(0, left.toMillis()), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } catch (Exception notStopped) {
                // forced below
            }
        }
        tree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    }

    static String form(Map<String, String> fields) {
        List<String> pairs = new ArrayList<>();
        fields.forEach((key, value) -> pairs.add(encode(key) + "=" + encode(value)));
        return String.join("&", pairs);
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    /** 24 random bytes, URL-safe: a password or secret that lives as long as one start. */
    static String newSecret() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
