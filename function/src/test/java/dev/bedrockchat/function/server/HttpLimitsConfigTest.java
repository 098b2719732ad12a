package dev.bedrockchat.function.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HTTP_* settings: their defaults, every one read, and bad values refused with the variable and its range. */
class HttpLimitsConfigTest {

    @Test
    void theDefaultsAreTheDocumentedOnes(@TempDir Path dir) {
        HttpLimits limits = Config.from(Map.of(), new Properties(), dir).httpLimits();

        assertThat(limits).isEqualTo(HttpLimits.DEFAULTS);
        assertThat(limits.maxRequestLineBytes()).isEqualTo(8192);
        assertThat(limits.maxHeaderBytes()).isEqualTo(32768);
        assertThat(limits.maxHeaderFields()).isEqualTo(100);
        assertThat(limits.headTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.bodyTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(limits.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(limits.sendTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(limits.maxConnections()).isEqualTo(256);
    }

    @Test
    void everyVariableIsRead(@TempDir Path dir) {
        HttpLimits limits = Config.from(
                        Map.of(
                                "HTTP_MAX_REQUEST_LINE_BYTES", "4096",
                                "HTTP_MAX_HEADER_BYTES", "16384",
                                "HTTP_MAX_HEADER_FIELDS", "50",
                                "HTTP_HEAD_TIMEOUT_SECONDS", "5",
                                "HTTP_BODY_TIMEOUT_SECONDS", "7",
                                "HTTP_IDLE_TIMEOUT_SECONDS", "30",
                                "HTTP_SEND_TIMEOUT_SECONDS", "20",
                                "HTTP_MAX_CONNECTIONS", "64"),
                        new Properties(),
                        dir)
                .httpLimits();

        assertThat(limits)
                .isEqualTo(new HttpLimits(
                        4096,
                        16384,
                        50,
                        Duration.ofSeconds(5),
                        Duration.ofSeconds(7),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(20),
                        64));
    }

    @ParameterizedTest
    @CsvSource({
        "HTTP_MAX_REQUEST_LINE_BYTES, 100, 'HTTP_MAX_REQUEST_LINE_BYTES must be a whole number from 256 to 1048576, not ''100'''",
        "HTTP_MAX_HEADER_BYTES, 32k, 'HTTP_MAX_HEADER_BYTES must be a whole number from 1024 to 1048576, not ''32k'''",
        "HTTP_MAX_HEADER_FIELDS, 0, 'HTTP_MAX_HEADER_FIELDS must be a whole number from 8 to 10000, not ''0'''",
        "HTTP_HEAD_TIMEOUT_SECONDS, 0, 'HTTP_HEAD_TIMEOUT_SECONDS must be a whole number from 1 to 3600, not ''0'''",
        "HTTP_BODY_TIMEOUT_SECONDS, 1.5, 'HTTP_BODY_TIMEOUT_SECONDS must be a whole number from 1 to 3600, not ''1.5'''",
        "HTTP_IDLE_TIMEOUT_SECONDS, 86400, 'HTTP_IDLE_TIMEOUT_SECONDS must be a whole number from 1 to 3600, not ''86400'''",
        "HTTP_SEND_TIMEOUT_SECONDS, -1, 'HTTP_SEND_TIMEOUT_SECONDS must be a whole number from 1 to 3600, not ''-1'''",
        "HTTP_MAX_CONNECTIONS, none, 'HTTP_MAX_CONNECTIONS must be a whole number from 1 to 100000, not ''none'''"
    })
    void aBadValueStopsTheStartWithTheVariableAndItsRange(
            String variable, String value, String message, @TempDir Path dir) {
        assertThatThrownBy(() -> Config.from(Map.of(variable, value), new Properties(), dir))
                .isInstanceOf(Config.ConfigException.class)
                .hasMessage(message);
    }
}
