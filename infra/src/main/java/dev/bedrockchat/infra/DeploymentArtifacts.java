package dev.bedrockchat.infra;

import dev.bedrockchat.infra.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.zip.ZipFile;

/**
 * The build outputs the stacks deploy: the function's Lambda package and the built page.
 *
 * <p>By default they are found where the build writes them, relative to the folder of cdk.json:
 * {@value #DEFAULT_FUNCTION_PACKAGE} and {@value #DEFAULT_FRONTEND_DIR}. Context keys {@value #FUNCTION_PACKAGE_KEY}
 * and {@value #FRONTEND_DIR_KEY} point elsewhere, e.g. {@code -c functionPackage=/tmp/function-lambda.zip}.
 *
 * @param functionPackage the Lambda zip: {@code run.sh} and {@code lib/function.jar}
 * @param frontendDir     the folder of the page, with its {@code index.html}
 */
public record DeploymentArtifacts(Path functionPackage, Path frontendDir) {
    public static final String FUNCTION_PACKAGE_KEY = "functionPackage";
    public static final String FRONTEND_DIR_KEY = "frontendDir";
    public static final String DEFAULT_FUNCTION_PACKAGE = "function/target/function-lambda.zip";
    public static final String DEFAULT_FRONTEND_DIR = "frontend/dist";
    /** The function's start-up script behind the Lambda Web Adapter. */
    public static final String START_SCRIPT = "run.sh";
    /** The function's shaded jar, on the Java runtime's class path. */
    public static final String FUNCTION_JAR = "lib/function.jar";

    /**
     * Finds the artifacts named by the context (or the defaults) and checks them.
     *
     * @param context    looks up one context key
     * @param workingDir the folder relative paths start from (the folder of cdk.json)
     * @param streaming  whether the function runs behind the Lambda Web Adapter (which needs {@code run.sh})
     */
    public static DeploymentArtifacts locate(Function<String, Object> context, Path workingDir, boolean streaming) {
        Path functionPackage = path(context, FUNCTION_PACKAGE_KEY, DEFAULT_FUNCTION_PACKAGE, workingDir);
        Path frontendDir = path(context, FRONTEND_DIR_KEY, DEFAULT_FRONTEND_DIR, workingDir);
        checkFunctionPackage(functionPackage, streaming);
        checkFrontend(frontendDir);
        return new DeploymentArtifacts(functionPackage, frontendDir);
    }

    private static Path path(Function<String, Object> context, String key, String fallback, Path workingDir) {
        Object value = context.apply(key);
        String text = value == null || String.valueOf(value).isBlank()
                ? fallback
                : String.valueOf(value).strip();
        return workingDir.resolve(text).normalize();
    }

    private static void checkFunctionPackage(Path zip, boolean streaming) {
        if (!Files.isRegularFile(zip)) {
            throw new ConfigException("function package " + zip + " is missing: build it first: ./mvnw -pl function"
                    + " package (or point -c " + FUNCTION_PACKAGE_KEY + "=PATH at one)");
        }
        try (ZipFile file = new ZipFile(zip.toFile())) {
            if (file.getEntry(FUNCTION_JAR) == null) {
                throw new ConfigException("function package " + zip + " has no " + FUNCTION_JAR + ": rebuild it with"
                        + " ./mvnw -pl function package");
            }
            if (streaming && file.getEntry(START_SCRIPT) == null) {
                throw new ConfigException("function package " + zip + " has no " + START_SCRIPT + ", which the"
                        + " Lambda Web Adapter starts when streaming: rebuild it with ./mvnw -pl function package");
            }
        } catch (IOException notAZip) {
            throw new ConfigException("function package " + zip + " is not a readable zip (" + notAZip.getMessage()
                    + "): rebuild it with ./mvnw -pl function package");
        }
    }

    private static void checkFrontend(Path dir) {
        if (!Files.isRegularFile(dir.resolve("index.html"))) {
            throw new ConfigException("the built page " + dir + " is missing (no index.html): build it first:"
                    + " ./mvnw -pl frontend package (or point -c " + FRONTEND_DIR_KEY + "=PATH at one)");
        }
    }
}
