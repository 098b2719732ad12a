package dev.bedrockchat.infra.function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.infra.config.ConfigException;
import dev.bedrockchat.infra.support.Ordered;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.Bucket;

class EnvironmentSizeTest {

    @Test
    void countsTheVariablesAsOneJsonObjectOfNamesAndValues() {
        // {"A":"1"} is 9 bytes; each further variable adds a comma.
        assertThat(EnvironmentSize.bytes(Ordered.map())).isEqualTo(2);
        assertThat(EnvironmentSize.bytes(Ordered.map("A", "1"))).isEqualTo(9);
        assertThat(EnvironmentSize.bytes(Ordered.map("A", "1", "BB", "22"))).isEqualTo(9 + 1 + 9);
    }

    @Test
    void countsEscapesAndUtf8Bytes() {
        // A quote and a backslash take two bytes each, a newline two, a control character six ( ).
        assertThat(EnvironmentSize.bytes(Ordered.map("A", "\"\\\n\u0001"))).isEqualTo(2 + 3 + 1 + 2 + 2 + 2 + 2 + 6);
        // é is 2 bytes in UTF-8, 😀 is 4 (one code point, two Java chars).
        assertThat(EnvironmentSize.bytes(Ordered.map("A", "é😀"))).isEqualTo(2 + 3 + 1 + 2 + 2 + 4);
    }

    @Test
    void countsEachDeployTimeValueAsItsAllowance() {
        Stack stack = new Stack(new App(), "Sizes");
        String bucketName = Bucket.Builder.create(stack, "Bucket").build().getBucketName();

        assertThat(EnvironmentSize.bytes(Ordered.map("B", bucketName)))
                .isEqualTo(2 + 3 + 1 + 2 + EnvironmentSize.DEPLOY_TIME_VALUE_BYTES);
        assertThat(EnvironmentSize.bytes(Ordered.map("B", "s3://" + bucketName + "/" + bucketName)))
                .isEqualTo(2 + 3 + 1 + 2 + 6 + 2 * EnvironmentSize.DEPLOY_TIME_VALUE_BYTES);
    }

    @Test
    void refusesMoreThanLambdasFourKilobytesNamingTheBiggestVariables() {
        Map<String, String> variables = new LinkedHashMap<>();
        variables.put("SYSTEM_PROMPT", "p".repeat(2048));
        variables.put("MODEL_PRICES", "{}");
        // {"SYSTEM_PROMPT":"p…","MODEL_PRICES":"{}","X":"…"}: 2 + 15 + 1 + 2050 + 1 + 14 + 1 + 4 + 1 + 3 + 1 + n.
        int fixed = 2 + 15 + 1 + 2050 + 1 + 14 + 1 + 4 + 1 + 3 + 1 + 2;
        variables.put("X", "x".repeat(EnvironmentSize.LIMIT_BYTES - fixed));
        assertThat(EnvironmentSize.bytes(variables)).isEqualTo(EnvironmentSize.LIMIT_BYTES);
        assertThatNoException().isThrownBy(() -> EnvironmentSize.check(variables));

        variables.put("X", variables.get("X") + "x");
        assertThatThrownBy(() -> EnvironmentSize.check(variables))
                .isInstanceOf(ConfigException.class)
                .hasMessage("the function's environment variables would take up to 4097 bytes, more than Lambda's"
                        + " 4096 (SYSTEM_PROMPT 2050, MODEL_PRICES 4, ALLOWED_MODEL_IDS 0): shorten"
                        + " function.systemPrompt or allow fewer models in models.allowed in cdk.json");
    }
}
