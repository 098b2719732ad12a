package dev.bedrockchat.system.support;

import java.nio.file.Files;
import java.nio.file.Path;

/** Paths of the repository and of the build output the system tests run against. */
public final class Repo {
    private Repo() {}

    public static Path root() {
        return Path.of(System.getProperty("repo.root", "..")).toAbsolutePath().normalize();
    }

    public static Path functionJar() {
        return requireFile(root().resolve("function/target/function.jar"), "./mvnw -pl function package");
    }

    public static Path functionPackage() {
        return requireFile(root().resolve("function/target/function-lambda.zip"), "./mvnw -pl function package");
    }

    public static Path pageDir() {
        return requireFile(root().resolve("frontend/dist/index.html"), "./mvnw -pl frontend package")
                .getParent();
    }

    /** Where tests write what a person may want to look at afterwards (logs, screenshots). */
    public static Path outputDir(String name) {
        Path dir = root().resolve("test/target").resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return dir;
    }

    /**
     * The JDK that runs the tests: the build's toolchain JDK (21 or newer, found by Maven whatever JAVA_HOME says),
     * which the tests use for every JVM they start.
     */
    public static Path javaHome() {
        return Path.of(System.getProperty("java.home"));
    }

    /** {@code bin/java} of {@link #javaHome()}, which starts the function jar. */
    public static String javaExecutable() {
        return javaHome().resolve("bin").resolve("java").toString();
    }

    private static Path requireFile(Path file, String howToBuild) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalStateException(file + " is missing: build it first (" + howToBuild + ")");
        }
        return file;
    }
}
