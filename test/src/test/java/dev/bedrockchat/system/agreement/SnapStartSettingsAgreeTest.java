package dev.bedrockchat.system.agreement;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.api.SnapshotHooks;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.system.support.Repo;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * The Lambda side of the function is written twice: infra tells the Web Adapter where the function's SnapStart hooks
 * are (AWS_LWA_SNAPSTART_*_PATH) and which JVM settings to use (JAVA_TOOL_OPTIONS), and the function answers those
 * paths and documents those settings. Both must say the same.
 */
class SnapStartSettingsAgreeTest {
    @Test
    void theAdapterIsToldThePathsTheFunctionAnswers() {
        assertThat(ChatFunction.SNAPSTART_BEFORE_CHECKPOINT_PATH).isEqualTo(SnapshotHooks.BEFORE_CHECKPOINT_PATH);
        assertThat(ChatFunction.SNAPSTART_AFTER_RESTORE_PATH).isEqualTo(SnapshotHooks.AFTER_RESTORE_PATH);
        // Outside what API Gateway routes to the function, and not the adapter's pass-through path.
        for (String path : new String[] {SnapshotHooks.BEFORE_CHECKPOINT_PATH, SnapshotHooks.AFTER_RESTORE_PATH}) {
            assertThat(path)
                    .doesNotStartWith("/api/")
                    .doesNotStartWith("/v1/")
                    .isNotEqualTo(ChatFunction.PASS_THROUGH_PATH);
        }
    }

    @Test
    void thePackageTestChecksTheJvmSettingsInfraSets() throws Exception {
        String packageTest = Files.readString(Repo.root()
                .resolve("function/src/test/java/dev/bedrockchat/function/packaging/FunctionPackageIT.java"));
        String[] flags = ChatFunction.JAVA_TOOL_OPTIONS.split(" ");
        assertThat(flags).hasSizeGreaterThan(1);
        String literal = packageTest.replaceAll("\"\\s*\\+\\s*\"", "");
        assertThat(literal).contains("\"" + ChatFunction.JAVA_TOOL_OPTIONS + "\"");
    }
}
