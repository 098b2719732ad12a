package dev.bedrockchat.function.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built artifacts: the shaded jar runs as the server, and the Lambda zip is laid out as the runtime needs. */
class FunctionPackageIT {
    private static final Path TARGET = Path.of("target");
    private static final Path JAR = TARGET.resolve("function.jar");
    private static final Path ZIP = TARGET.resolve("function-lambda.zip");
    private static final Path LAMBDA_JAR = TARGET.resolve("function-lambda.jar");
    /** The SDK's service modules the function calls; any other would be dead weight. */
    private static final List<String> SERVICES = List.of("bedrockruntime", "s3", "secretsmanager");
    /** The JVM settings infra sets for the function (ChatFunction.JAVA_TOOL_OPTIONS). */
    private static final String JAVA_TOOL_OPTIONS =
            "-XX:+TieredCompilation -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:MaxRAMPercentage=60";

    private final ObjectMapper mapper = new ObjectMapper();

    /** function.jar runs where it was built: the CRT's library of that platform is its only native code. */
    @Test
    void theShadedJarHasTheManifestAndOnlyTheNativesOfTheBuildMachine() throws Exception {
        String platform = System.getProperty("crt.native");
        if (System.getProperty("os.name").equals("Linux")) {
            assertThat(platform)
                    .isEqualTo(
                            System.getProperty("os.arch").equals("aarch64")
                                    ? "linux/armv8/glibc"
                                    : "linux/x86_64/glibc");
        }
        try (var jar = new JarFile(JAR.toFile())) {
            var attributes = jar.getManifest().getMainAttributes();
            assertThat(attributes.getValue("Main-Class")).isEqualTo("dev.bedrockchat.function.Main");
            assertThat(attributes.getValue("Implementation-Version")).isEqualTo(System.getProperty("project.version"));
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertThat(names.stream().filter(n -> n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll")))
                    .singleElement()
                    .satisfies(library -> assertThat(library).startsWith(platform + "/libaws-crt-jni."));
            assertThat(names)
                    .contains(
                            "dev/bedrockchat/function/lambda/ApiGatewayHandler.class",
                            "software/amazon/awssdk/http/crt/AwsCrtHttpClient.class",
                            "software/amazon/awssdk/eventstream/MessageDecoder.class",
                            "software/amazon/awssdk/services/secretsmanager/SecretsManagerClient.class",
                            "dev/bedrockchat/function/auth/OidcTokenVerifier.class");
            assertThat(names)
                    .noneMatch(n -> n.startsWith("io/netty/")
                            || n.startsWith("org/apache/http")
                            || n.startsWith("org/apache/hc/")
                            || n.startsWith("software/amazon/awssdk/http/apache")
                            || n.startsWith("software/amazon/awssdk/http/nio/netty")
                            || n.startsWith("dev/bedrockchat/function/testing")
                            // Tokens are verified on the JDK: no JWT library at run time.
                            || n.startsWith("com/nimbusds/")
                            // CRaC's API is not used: SnapStart's hooks reach the function over HTTP from the Web
                            // Adapter.
                            || n.startsWith("org/crac/")
                            || n.startsWith("jdk/crac/"));
        }
    }

    /** lib/function.jar of the Lambda package: what runs on arm64 Lambda and nothing else. */
    @Test
    void theLambdaPackageHoldsOnlyWhatRunsThere() throws Exception {
        List<String> names = new ArrayList<>();
        try (var zip = new ZipFile(ZIP.toFile());
                var jar = new java.util.zip.ZipInputStream(zip.getInputStream(zip.getEntry("lib/function.jar")))) {
            for (ZipEntry entry = jar.getNextEntry(); entry != null; entry = jar.getNextEntry()) {
                names.add(entry.getName());
            }
        }
        assertThat(names).hasSizeGreaterThan(1000).contains("dev/bedrockchat/function/Main.class");
        // Lambda runs the function on arm64 (Graviton): the CRT's arm64 glibc library is the only native code.
        assertThat(names.stream()
                        .filter(n ->
                                n.endsWith(".so") || n.endsWith(".dylib") || n.endsWith(".dll") || n.endsWith(".a")))
                .containsExactly("linux/armv8/glibc/libaws-crt-jni.so");
        assertThat(names).noneMatch(n -> n.startsWith("linux/x86") || n.startsWith("osx/") || n.startsWith("windows/"));
        // One HTTP client, the CRT's: no Apache, Netty or URL-connection client, nor what they bring.
        assertThat(names)
                .noneMatch(n -> n.startsWith("software/amazon/awssdk/http/apache")
                        || n.startsWith("software/amazon/awssdk/http/nio/netty")
                        || n.startsWith("software/amazon/awssdk/http/urlconnection")
                        || n.startsWith("io/netty/")
                        || n.startsWith("org/apache/http")
                        || n.startsWith("org/apache/hc/"));
        // Only the services the function calls.
        assertThat(names.stream()
                        .filter(n -> n.startsWith("software/amazon/awssdk/services/"))
                        .map(n -> n.substring("software/amazon/awssdk/services/".length()))
                        .filter(rest -> rest.contains("/"))
                        .map(rest -> rest.substring(0, rest.indexOf('/')))
                        .distinct())
                .containsExactlyInAnyOrderElementsOf(SERVICES);
        // Nothing of the tests, no JWT library, no CRaC.
        assertThat(names)
                .noneMatch(n -> n.startsWith("dev/bedrockchat/function/testing")
                        || n.startsWith("com/nimbusds/")
                        || n.startsWith("org/crac/")
                        || n.startsWith("org/junit/"));
    }

    @Test
    void theFunctionDoesNotDependOnCrac() throws Exception {
        // The runtime classpath as the build resolved it (written at prepare-package for local.sh).
        assertThat(Files.readString(TARGET.resolve("classpath.txt")))
                .isNotBlank()
                .contains("bedrockruntime")
                .doesNotContain("org-crac")
                .doesNotContain("/crac/");
    }

    @Test
    void theLambdaZipHoldsAnExecutableRunScriptAndTheJar() throws Exception {
        Map<String, Integer> modes = unixModes(ZIP);
        assertThat(modes.keySet())
                .filteredOn(name -> !name.endsWith("/"))
                .containsExactlyInAnyOrder("run.sh", "lib/function.jar");
        assertThat(modes.get("run.sh") & 0777).isEqualTo(0755);
        assertThat(modes.get("lib/function.jar") & 0777).isEqualTo(0644);
        try (var zip = new ZipFile(ZIP.toFile())) {
            String script =
                    new String(zip.getInputStream(zip.getEntry("run.sh")).readAllBytes(), StandardCharsets.UTF_8);
            assertThat(script)
                    .startsWith("#!/bin/sh\n")
                    .doesNotContain("\r")
                    .contains(
                            "exec java", "-cp \"$LAMBDA_TASK_ROOT/lib/function.jar\"", "dev.bedrockchat.function.Main")
                    // The tuning is JAVA_TOOL_OPTIONS's alone (one place, for this script and the buffered handler).
                    .doesNotContain("-XX:TieredStopAtLevel", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage");
            assertThat(zip.getEntry("lib/function.jar").getSize()).isEqualTo(Files.size(LAMBDA_JAR));
        }
    }

    /** The script as the Lambda Web Adapter runs it: from the unpacked zip, with LAMBDA_TASK_ROOT pointing there. */
    @Test
    void theRunScriptStartsTheServerFromTheUnpackedZipWithItsJvmSettings(@TempDir Path root) throws Exception {
        try (var zip = new ZipFile(ZIP.toFile())) {
            for (ZipEntry entry : java.util.Collections.list(zip.entries())) {
                Path target = root.resolve(entry.getName());
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    try (var in = zip.getInputStream(entry)) {
                        Files.copy(in, target);
                    }
                }
            }
        }
        Path data = Files.createDirectories(root.resolve("data"));
        // The `java` the script finds is this test's own (the runtime's in Lambda).
        Path javaHome =
                Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent();
        var builder = new ProcessBuilder("/bin/sh", root.resolve("run.sh").toString()).directory(data.toFile());
        builder.environment()
                .putAll(Map.of(
                        "LAMBDA_TASK_ROOT",
                        root.toString(),
                        "PATH",
                        javaHome + File.pathSeparator + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"),
                        "PORT",
                        "0",
                        "CHAT_MODE",
                        "offline",
                        "CHAT_DATA_DIR",
                        data.toString(),
                        "JAVA_TOOL_OPTIONS",
                        JAVA_TOOL_OPTIONS));
        Path stderr = root.resolve("stderr.txt");
        builder.redirectError(stderr.toFile());
        Process process = builder.start();
        try {
            int port = awaitListening(process, new CopyOnWriteArrayList<>());
            // The script execs java: the process is the JVM, and it took the settings Lambda gives it.
            assertThat(process.info().arguments())
                    .hasValueSatisfying(arguments -> assertThat(arguments).contains("dev.bedrockchat.function.Main"));
            assertThat(Files.readString(stderr)).contains("Picked up JAVA_TOOL_OPTIONS: " + JAVA_TOOL_OPTIONS);
            HttpResponse<String> health = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(mapper.readTree(health.body()).path("mode").asText()).isEqualTo("offline");
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void theJarServesTheApiAndStreamsFromTheStub() throws Exception {
        Path data = Files.createTempDirectory("jar-data");
        try (BedrockRuntimeStub stub = BedrockRuntimeStub.start()) {
            String java = ProcessHandle.current().info().command().orElse("java");
            var builder = new ProcessBuilder(java, "-jar", JAR.toAbsolutePath().toString()).directory(data.toFile());
            builder.environment()
                    .putAll(Map.of(
                            "PORT",
                            "0",
                            "CHAT_MODE",
                            "bedrock",
                            "CHAT_DATA_DIR",
                            data.toString(),
                            "AWS_ACCESS_KEY_ID",
                            "AKIDTESTTESTTESTTEST",
                            "AWS_SECRET_ACCESS_KEY",
                            "test-secret-key",
                            "AWS_REGION",
                            "us-east-1",
                            "AWS_ENDPOINT_URL_BEDROCK_RUNTIME",
                            stub.endpoint().toString()));
            builder.redirectError(ProcessBuilder.Redirect.DISCARD);
            Process process = builder.start();
            var stdout = new CopyOnWriteArrayList<String>();
            try {
                int port = awaitListening(process, stdout);

                var http = HttpClient.newBuilder()
                        .version(HttpClient.Version.HTTP_1_1)
                        .build();
                JsonNode health = mapper.readTree(http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/health"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body());
                assertThat(health.path("mode").asText()).isEqualTo("bedrock");
                assertThat(health.path("version").asText()).isEqualTo(System.getProperty("project.version"));

                HttpResponse<String> stream = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chat"))
                                .header("Content-Type", "application/json")
                                .header("Accept", "text/event-stream")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"message\":\"from the jar\"}"))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                List<Sse.Event> events = Sse.parse(stream.body());
                assertThat(events.get(events.size() - 2).name()).isEqualTo("done");
                assertThat(Sse.text(events)).isEqualTo("Stub reply to: from the jar");
            } finally {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
            // stdout carries nothing but the JSON log lines (no SDK or CRT chatter).
            assertThat(stdout)
                    .isNotEmpty()
                    .allSatisfy(
                            line -> assertThat(mapper.readTree(line).isObject()).isTrue());
        }
    }

    @Test
    void theStubRunsStandaloneFromTheTestJarAndTheShadedJar() throws Exception {
        String javaCommand = ProcessHandle.current().info().command().orElse("java");
        String classpath =
                TARGET.resolve("function-tests.jar").toAbsolutePath() + File.pathSeparator + JAR.toAbsolutePath();
        Process process = new ProcessBuilder(
                        javaCommand, "-cp", classpath, "dev.bedrockchat.function.testing.BedrockRuntimeStub")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = reader.readLine();
            assertThat(line).matches("BEDROCK_STUB_PORT=\\d+");
            int port = Integer.parseInt(line.substring(line.indexOf('=') + 1));
            HttpResponse<String> reply = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            "http://127.0.0.1:" + port + "/model/amazon.nova-lite-v1:0/converse"))
                                    .POST(HttpRequest.BodyPublishers.ofString(
                                            "{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"ping\"}]}]}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertThat(mapper.readTree(reply.body())
                            .at("/output/message/content/0/text")
                            .asText())
                    .isEqualTo("Stub reply to: ping");
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("the stub stops on SIGTERM")
                    .isTrue();
        }
    }

    /**
     * Reads the server's stdout until its {@code listening} line and returns the port it names; the lines read, and
     * those that follow (read on from a thread of their own, so the pipe never fills), are added to {@code stdout}.
     */
    private static int awaitListening(Process process, List<String> stdout) throws IOException {
        var reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        int port = -1;
        String line;
        while (port < 0 && (line = reader.readLine()) != null) {
            stdout.add(line);
            JsonNode json = TestApp.json(line);
            if (json.path("type").asText().equals("listening")) {
                port = json.path("port").asInt();
            }
        }
        assertThat(port).as("a listening line in " + stdout).isPositive();
        Thread.ofVirtual().start(() -> reader.lines().forEach(stdout::add));
        return port;
    }

    /** The Unix file modes recorded in a zip's central directory, by entry name. */
    private static Map<String, Integer> unixModes(Path zip) throws IOException {
        var modes = new LinkedHashMap<String, Integer>();
        try (var file = new RandomAccessFile(zip.toFile(), "r")) {
            long length = file.length();
            int tail = (int) Math.min(length, 65_557);
            byte[] end = new byte[tail];
            file.seek(length - tail);
            file.readFully(end);
            ByteBuffer buffer = ByteBuffer.wrap(end).order(ByteOrder.LITTLE_ENDIAN);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--) {
                if (buffer.getInt(i) == 0x06054b50) {
                    eocd = i;
                    break;
                }
            }
            assertThat(eocd).as("end of central directory").isNotNegative();
            int entries = Short.toUnsignedInt(buffer.getShort(eocd + 10));
            long offset = Integer.toUnsignedLong(buffer.getInt(eocd + 16));
            int size = buffer.getInt(eocd + 12);
            byte[] directory = new byte[size];
            file.seek(offset);
            file.readFully(directory);
            ByteBuffer dir = ByteBuffer.wrap(directory).order(ByteOrder.LITTLE_ENDIAN);
            int at = 0;
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                assertThat(dir.getInt(at)).isEqualTo(0x02014b50);
                int nameLength = Short.toUnsignedInt(dir.getShort(at + 28));
                int extraLength = Short.toUnsignedInt(dir.getShort(at + 30));
                int commentLength = Short.toUnsignedInt(dir.getShort(at + 32));
                int external = dir.getInt(at + 38);
                String name = new String(directory, at + 46, nameLength, StandardCharsets.UTF_8);
                seen.add(name);
                modes.put(name, external >>> 16);
                at += 46 + nameLength + extraLength + commentLength;
            }
        }
        return modes;
    }
}
