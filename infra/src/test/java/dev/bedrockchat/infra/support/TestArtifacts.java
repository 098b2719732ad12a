package dev.bedrockchat.infra.support;

import dev.bedrockchat.infra.DeploymentArtifacts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A tiny Lambda package and a tiny page in a temporary folder, so that the tests never depend on the real builds.
 */
public final class TestArtifacts {
    /** The version in the manifest of the test package's jar (a jar with a manifest and nothing else). */
    public static final String FUNCTION_VERSION = "0.1.0-test";

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

    /** An empty jar whose manifest carries {@code version} as its Implementation-Version. */
    public static byte[] jar(String version) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, version);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream jar = new JarOutputStream(bytes, manifest)) {
            jar.flush();
        }
        return bytes.toByteArray();
    }

    private static Path create() {
        try {
            Path root = Files.createTempDirectory("chat-infra-test-");
            try (OutputStream out = Files.newOutputStream(root.resolve("function-lambda.zip"));
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                zip.putNextEntry(new ZipEntry(DeploymentArtifacts.START_SCRIPT));
                zip.write(("#!/bin/sh\nexec java -cp \"$LAMBDA_TASK_ROOT/lib/function.jar\""
                                + " dev.bedrockchat.function.Main\n")
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
                zip.putNextEntry(new ZipEntry(DeploymentArtifacts.FUNCTION_JAR));
                zip.write(jar(FUNCTION_VERSION));
                zip.closeEntry();
            }
            Path dist = Files.createDirectories(root.resolve("dist"));
            Files.writeString(dist.resolve("index.html"), "<!doctype html><title>Chat</title>");
            Files.writeString(dist.resolve("app.js"), "export {};");
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
