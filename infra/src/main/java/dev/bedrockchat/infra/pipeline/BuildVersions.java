package dev.bedrockchat.infra.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.infra.DeploymentArtifacts;
import dev.bedrockchat.infra.config.ConfigException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarInputStream;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The versions the pipeline works with, read from the build it runs in: the function's, which the deployed
 * {@code /api/health} must report, and the CDK CLI's that the project pins, which the pipeline's own steps use too.
 *
 * @param function the function's version, the {@code Implementation-Version} of its jar's manifest
 * @param cdkCli   the version of the {@code aws-cdk} package in package.json
 */
public record BuildVersions(String function, String cdkCli) {

    /**
     * Reads both versions.
     *
     * @param functionPackage the Lambda zip the stages deploy
     * @param packageJson     the project's package.json
     */
    public static BuildVersions read(Path functionPackage, Path packageJson) {
        return new BuildVersions(functionVersion(functionPackage), cdkCliVersion(packageJson));
    }

    /** The {@code Implementation-Version} of {@value DeploymentArtifacts#FUNCTION_JAR} in the Lambda zip. */
    static String functionVersion(Path functionPackage) {
        try (ZipFile zip = new ZipFile(functionPackage.toFile())) {
            ZipEntry jar = zip.getEntry(DeploymentArtifacts.FUNCTION_JAR);
            if (jar == null) {
                throw noVersion(functionPackage);
            }
            try (InputStream in = zip.getInputStream(jar);
                    JarInputStream entries = new JarInputStream(in)) {
                Manifest manifest = entries.getManifest();
                String version = manifest == null
                        ? null
                        : manifest.getMainAttributes().getValue(Attributes.Name.IMPLEMENTATION_VERSION);
                if (version == null || version.isBlank()) {
                    throw noVersion(functionPackage);
                }
                return version.strip();
            }
        } catch (IOException unreadable) {
            throw new ConfigException("function package " + functionPackage + " is not readable (" + unreadable
                    + "): rebuild it with ./mvnw -pl function package");
        }
    }

    private static ConfigException noVersion(Path functionPackage) {
        return new ConfigException("function package " + functionPackage + " has no Implementation-Version in the"
                + " manifest of " + DeploymentArtifacts.FUNCTION_JAR + ", which the smoke tests compare with"
                + " /api/health: rebuild it with ./mvnw -pl function package");
    }

    /** The exact {@code aws-cdk} version of package.json's devDependencies. */
    static String cdkCliVersion(Path packageJson) {
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(Files.readString(packageJson));
        } catch (IOException unreadable) {
            throw new ConfigException(packageJson + " is not readable (" + unreadable.getMessage() + "): run the CLI"
                    + " from the folder of cdk.json and package.json");
        }
        String version = json.path("devDependencies").path("aws-cdk").asText("");
        if (!version.matches("\\d+\\.\\d+\\.\\d+")) {
            throw new ConfigException(packageJson + " must pin devDependencies.aws-cdk to one exact version like"
                    + " 2.1148.1 (got '" + version + "'): the pipeline's own steps use the same CLI as the build");
        }
        return version;
    }
}
