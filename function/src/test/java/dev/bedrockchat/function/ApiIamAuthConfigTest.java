package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API_IAM_AUTH, which the infrastructure sets with {@code api.iamAuth}: off unless it says true. */
class ApiIamAuthConfigTest {
    @TempDir
    Path dir;

    private boolean iamAuth(Map<String, String> env) {
        return Config.from(env, new Properties(), dir).auth().apiIamAuth();
    }

    @Test
    void itIsOffUnlessSetToTrue() {
        assertThat(iamAuth(Map.of())).isFalse();
        assertThat(iamAuth(Map.of("API_IAM_AUTH", "false"))).isFalse();
        assertThat(iamAuth(Map.of("API_IAM_AUTH", "true"))).isTrue();
        assertThat(iamAuth(Map.of("API_IAM_AUTH", " TRUE "))).isTrue();
    }

    @Test
    void anythingElseIsRefusedByName() {
        assertThatThrownBy(() -> iamAuth(Map.of("API_IAM_AUTH", "yes")))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage("API_IAM_AUTH must be 'true' or 'false', not 'yes'");
    }
}
