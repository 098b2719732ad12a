package dev.bedrockchat.infra.support;

import dev.bedrockchat.infra.DeploymentArtifacts;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tiny Lambda package and a tiny page in a temporary folder, so that the tests never depend on the real builds.
 */
public final class TestArtifacts {
    private static final Path ROOT = create();

    private TestArtifacts() {}

    /** A zip with {@code run.sh} and {@code lib/function.jar}, like the function build's. */
    public static Path functionPackage() {
        return ROOT.resolve("function-lambda.zip");
    }

    /** A folder with an {@code index.html}, like {@code frontend/dist}. */
    public static Path frontendDir() {
        return ROOT.resolve("dist");
    }

    /** A folder to create more (broken) artifacts in. */
    public static Path scratch(String name) {
        try {
            return Files.createDirectories(ROOT.resolve("scratch").resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The context keys that point the app at these artifacts. */
    public static Map<String, Object> context() {
        return Map.of(
                DeploymentArtifacts.FUNCTION_PACKAGE_KEY,
                functionPackage().toString(),
                DeploymentArtifacts.FRONTEND_DIR_KEY,
                frontendDir().toString());
    }

    /** Writes a zip with the given entries (name → content). */
    public static Path zip(Path file, Map<String, String> entries) {
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> entry : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(entry.getKey()));
                zip.write(entry.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path create() {
        try {
            Path root = Files.createTempDirectory("chat-infra-test-");
            zip(
                    root.resolve("function-lambda.zip"),
                    Map.of(
                            DeploymentArtifacts.START_SCRIPT,
                            "#!/bin/sh\nexec java -cp \"$LAMBDA_TASK_ROOT/lib/function.jar\""
                                    + " dev.bedrockchat.function.Main\n",
                            DeploymentArtifacts.FUNCTION_JAR,
                            "not a real jar"));
            Path dist = Files.createDirectories(root.resolve("dist"));
            Files.writeString(dist.resolve("index.html"), "<!doctype html><title>Chat</title>");
            Files.writeString(dist.resolve("app.js"), "export {};");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
