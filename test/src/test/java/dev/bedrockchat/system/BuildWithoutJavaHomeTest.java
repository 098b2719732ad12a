package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bedrockchat.system.support.CdkCli;
import dev.bedrockchat.system.support.Repo;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's commands need no JAVA_HOME: on a machine whose default {@code java} is older than 21, {@code ./mvnw}
 * finds an installed JDK 21+ by itself (Maven toolchains), and so does cdk.json's app ({@code scripts/cdk-app.sh}).
 * Each runs here with no JAVA_HOME and an older Java first on PATH.
 */
class BuildWithoutJavaHomeTest {
    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"(?:1\\.)?(\\d+)");
    /** Class-file major version of Java 21. */
    private static final int JAVA_21 = 65;

    @Test
    void theBuildCompilesOnAJdk21OrNewerWhenJavaHomeIsUnsetAndTheDefaultJavaIsOlder() throws Exception {
        Optional<Path> olderJdk = olderJdk();
        assumeTrue(
                olderJdk.isPresent(),
                "skipped: no JDK 17 to 20 on this machine (looked in /usr/lib/jvm, /Library/Java/JavaVirtualMachines"
                        + " and on PATH), so a default java older than 21 cannot be set up");

        Path probe = writeProbeModule();
        Path log = probe.resolve("build.log");
        List<String> command =
                new ArrayList<>(List.of(Repo.root().resolve("mvnw").toString(), "-B", "-o", "-q"));
        // Offline, from the local repository the outer build filled.
        Optional.ofNullable(System.getProperty("maven.repo.local"))
                .ifPresent(repository -> command.add("-Dmaven.repo.local=" + repository));
        command.addAll(List.of("-f", probe.resolve("pom.xml").toString(), "compile"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(Repo.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(key -> key.equals("JDK_HOME") || key.matches("JAVA(\\d+)?_HOME"));
        env.put("PATH", olderJdk.get().resolve("bin") + File.pathSeparator + env.get("PATH"));

        Process process = builder.start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES))
                .as("./mvnw compile finished")
                .isTrue();
        assertThat(process.exitValue())
                .as("./mvnw compile with java %s first on PATH and no JAVA_HOME:%n%s", olderJdk.get(), read(log))
                .isZero();
        assertThat(classFileMajorVersion(probe.resolve("target/classes/probe/Probe.class")))
                .as("class-file version of the compiled Java 21 code")
                .isGreaterThanOrEqualTo(JAVA_21);
    }

    /** What {@code npx cdk synth} runs, without JAVA_HOME: the app would fail on a Java older than the classes. */
    @Test
    void theCdkAppRunsOnAJdk21OrNewerWhenJavaHomeIsUnsetAndTheDefaultJavaIsOlder() throws Exception {
        Optional<Path> olderJdk = olderJdk();
        assumeTrue(olderJdk.isPresent(), "skipped: no JDK 17 to 20 on this machine");

        CdkCli.Synth synth = CdkCli.synth("dev", Repo.outputDir("synth").resolve("dev-without-java-home.log"), env -> {
            env.keySet().removeIf(key -> key.equals("JDK_HOME") || key.matches("JAVA(\\d+)?_HOME"));
            env.put("PATH", olderJdk.get().resolve("bin") + File.pathSeparator + System.getenv("PATH"));
        });

        assertThat(synth.exitCode())
                .as(
                        "cdk synth -c env=dev with java %s first on PATH and no JAVA_HOME:%n%s",
                        olderJdk.get(), synth.output())
                .isZero();
        assertThat(synth.outputDir().resolve("manifest.json")).isRegularFile();
    }

    /** A module with Java 21 code (a record pattern in a switch), inheriting the build's toolchain settings. */
    private static Path writeProbeModule() throws IOException {
        Path probe = Repo.outputDir("toolchain-probe");
        deleteRecursively(probe.resolve("target"));
        String parentPom =
                probe.relativize(Repo.root().resolve("pom.xml")).toString().replace(File.separatorChar, '/');
        Files.writeString(probe.resolve("pom.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <project xmlns="http://maven.apache.org/POM/4.0.0">
                  <modelVersion>4.0.0</modelVersion>
                  <parent>
                    <groupId>dev.bedrockchat</groupId>
                    <artifactId>bedrock-chat</artifactId>
                    <version>%s</version>
                    <relativePath>%s</relativePath>
                  </parent>
                  <artifactId>toolchain-probe</artifactId>
                </project>
                """.formatted(System.getProperty("project.version"), parentPom));
        Path source = probe.resolve("src/main/java/probe/Probe.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package probe;

                public class Probe {
                    record Point(int x, int y) {}

                    static int sum(Object value) {
                        return switch (value) {
                            case Point(int x, int y) -> x + y;
                            default -> 0;
                        };
                    }
                }
                """);
        return probe;
    }

    /** The newest installed JDK of version 17 to 20, if any. */
    private static Optional<Path> olderJdk() throws IOException {
        List<Path> candidates = new ArrayList<>();
        for (Path dir : List.of(Path.of("/usr/lib/jvm"), Path.of("/Library/Java/JavaVirtualMachines"))) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> jdks = Files.list(dir)) {
                    jdks.map(jdk -> Files.isDirectory(jdk.resolve("Contents/Home"))
                                    ? jdk.resolve("Contents/Home")
                                    : jdk)
                            .forEach(candidates::add);
                }
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path javac = Path.of(dir, "javac");
            if (!dir.isEmpty() && Files.isExecutable(javac)) {
                candidates.add(javac.toRealPath().getParent().getParent());
            }
        }
        Optional<Path> best = Optional.empty();
        int bestVersion = 0;
        for (Path jdk : candidates) {
            int version = featureVersion(jdk);
            if (version >= 17 && version < 21 && version > bestVersion && Files.isExecutable(jdk.resolve("bin/java"))) {
                best = Optional.of(jdk);
                bestVersion = version;
            }
        }
        return best;
    }

    private static int featureVersion(Path jdk) throws IOException {
        Path release = jdk.resolve("release");
        if (!Files.isRegularFile(release)) {
            return 0;
        }
        Matcher matcher = JAVA_VERSION.matcher(Files.readString(release));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    private static int classFileMajorVersion(Path classFile) throws IOException {
        try (InputStream in = Files.newInputStream(classFile);
                DataInputStream data = new DataInputStream(in)) {
            assertThat(data.readInt()).as("class-file magic").isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor version
            return data.readUnsignedShort();
        }
    }

    private static String read(Path log) throws IOException {
        return Files.isRegularFile(log) ? Files.readString(log) : "";
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path :
                    paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.delete(path);
            }
        }
    }
}
