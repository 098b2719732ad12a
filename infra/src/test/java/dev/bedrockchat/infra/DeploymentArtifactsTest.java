package dev.bedrockchat.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.config.ConfigException;
import dev.bedrockchat.infra.support.TestArtifacts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DeploymentArtifactsTest {

    @Test
    void findsTheBuildOutputsWhereTheBuildWritesThem() throws IOException {
        Path repo = TestArtifacts.scratch("repo");
        Path zip = Files.createDirectories(repo.resolve("function/target")).resolve("function-lambda.zip");
        Files.copy(TestArtifacts.functionPackage(), zip, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path dist = Files.createDirectories(repo.resolve("frontend/dist"));
        Files.writeString(dist.resolve("index.html"), "<!doctype html>");

        DeploymentArtifacts artifacts = DeploymentArtifacts.locate(key -> null, repo, true);

        assertThat(artifacts.functionPackage()).isEqualTo(zip);
        assertThat(artifacts.frontendDir()).isEqualTo(dist);
    }

    @Test
    void aMissingFunctionPackageSaysHowToBuildIt() {
        Path repo = TestArtifacts.scratch("empty");

        assertThatThrownBy(() -> DeploymentArtifacts.locate(key -> null, repo, true))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function package " + repo.resolve("function/target/function-lambda.zip") + " is missing:"
                        + " build it first: ./mvnw -pl function package (or point -c functionPackage=PATH at one)");
    }

    @Test
    void aPackageWithoutTheStartScriptCannotStream() {
        Path zip = TestArtifacts.zip(
                TestArtifacts.scratch("no-script").resolve("f.zip"), Map.of("lib/function.jar", "jar"));
        Map<String, Object> context = Map.of(
                "functionPackage",
                zip.toString(),
                "frontendDir",
                TestArtifacts.frontendDir().toString());

        assertThatThrownBy(() -> DeploymentArtifacts.locate(context::get, Path.of("/"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessage("function package " + zip + " has no run.sh, which the Lambda Web Adapter starts when"
                        + " streaming: rebuild it with ./mvnw -pl function package");
        // Buffered mode only needs the jar.
        assertThat(DeploymentArtifacts.locate(context::get, Path.of("/"), false).functionPackage())
                .isEqualTo(zip);
    }

    @Test
    void aPackageWithoutTheJarOrNotAZipIsRejected() throws IOException {
        Path noJar = TestArtifacts.zip(TestArtifacts.scratch("no-jar").resolve("f.zip"), Map.of("run.sh", "#!/bin/sh"));
        Path notZip = Files.writeString(TestArtifacts.scratch("not-zip").resolve("f.zip"), "hello");

        assertThatThrownBy(() -> DeploymentArtifacts.locate(
                        Map.<String, Object>of(
                                "functionPackage",
                                noJar.toString(),
                                "frontendDir",
                                TestArtifacts.frontendDir().toString())::get,
                        Path.of("/"),
                        true))
                .hasMessageContaining("has no lib/function.jar");
        assertThatThrownBy(() -> DeploymentArtifacts.locate(
                        Map.<String, Object>of(
                                "functionPackage",
                                notZip.toString(),
                                "frontendDir",
                                TestArtifacts.frontendDir().toString())::get,
                        Path.of("/"),
                        true))
                .hasMessageContaining("is not a readable zip");
    }

    @Test
    void aMissingPageSaysHowToBuildIt() {
        Path dist = TestArtifacts.scratch("no-page");
        Map<String, Object> context =
                Map.of("functionPackage", TestArtifacts.functionPackage().toString(), "frontendDir", dist.toString());

        assertThatThrownBy(() -> DeploymentArtifacts.locate(context::get, Path.of("/"), true))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the built page " + dist + " is missing (no index.html): build it first: ./mvnw -pl"
                        + " frontend package (or point -c frontendDir=PATH at one)");
    }
}
