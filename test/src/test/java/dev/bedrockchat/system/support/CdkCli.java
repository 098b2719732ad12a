package dev.bedrockchat.system.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The project's pinned CDK CLI ({@code node_modules/aws-cdk}) run as an operator runs it, from the repository root with
 * cdk.json's app command, but with no AWS credentials or settings at all and a home folder of its own. Its build step
 * is replaced by {@code true}: callers run after the Maven build that prepared the app.
 */
public final class CdkCli {
    private static final Duration TIMEOUT = Duration.ofMinutes(5);

    private CdkCli() {}

    /** What one synth did. */
    public record Synth(int exitCode, Path outputDir, String output, Duration elapsed) {}

    public static Synth synth(String environment, Path log) {
        return synth(environment, log, List.of("env=" + environment), env -> {});
    }

    /** As {@link #synth(String, Path)}, with the CLI's environment changed last by {@code adjust}. */
    public static Synth synth(String environment, Path log, Consumer<Map<String, String>> adjust) {
        return synth(environment, log, List.of("env=" + environment), adjust);
    }

    /**
     * {@code npx cdk synth} with these context options.
     *
     * @param name    names the output folder
     * @param context each {@code key=value} is passed as {@code -c key=value}
     */
    public static Synth synth(String name, Path log, List<String> context) {
        return synth(name, log, context, env -> {});
    }

    /**
     * {@code npx cdk synth} with these context options, with the CLI's environment changed last by {@code adjust}.
     *
     * @param name    names the output folder
     * @param context each {@code key=value} is passed as {@code -c key=value}
     */
    public static Synth synth(String name, Path log, List<String> context, Consumer<Map<String, String>> adjust) {
        Path home = null;
        try {
            Path out = Files.createTempDirectory("cdk-out-" + name + "-");
            // A HOME of its own (nothing of the developer's CDK or AWS settings); the jsii runtime unpacks about
            // 200 MB into it, so it goes again after the synth.
            home = Files.createTempDirectory("cdk-home-");
            List<String> command = new ArrayList<>(List.of(
                    "node",
                    Repo.root().resolve("node_modules/aws-cdk/bin/cdk").toString(),
                    "synth",
                    "--quiet",
                    "--build",
                    "true",
                    "--no-notices"));
            context.forEach(option -> command.addAll(List.of("-c", option)));
            command.addAll(List.of("--output", out.toString()));
            ProcessBuilder builder = new ProcessBuilder(command)
                    .directory(Repo.root().toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            Map<String, String> env = builder.environment();
            env.keySet().removeIf(key -> key.startsWith("AWS_") || key.startsWith("CDK_"));
            env.put("HOME", home.toString());
            env.put("AWS_EC2_METADATA_DISABLED", "true");
            env.put("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20");
            // cdk.json's app runs on this JDK (scripts/cdk-app.sh keeps a JAVA_HOME of 21 or newer).
            Path javaHome = Repo.javaHome();
            env.put("JAVA_HOME", javaHome.toString());
            env.put("PATH", javaHome.resolve("bin") + File.pathSeparator + env.get("PATH"));
            adjust.accept(env);

            long started = System.nanoTime();
            Process process = builder.start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroyForcibly();
                throw new IllegalStateException("cdk synth " + context + " did not finish in " + TIMEOUT);
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            return new Synth(process.exitValue(), out, Files.readString(log), elapsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } finally {
            deleteTree(home);
        }
    }

    private static void deleteTree(Path root) {
        if (root == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // Left in the temporary folder.
        }
    }
}
