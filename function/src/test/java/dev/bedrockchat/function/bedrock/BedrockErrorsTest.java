package dev.bedrockchat.function.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.chat.ChatException;
import java.io.IOException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.crt.http.HttpException;

/**
 * Every class of failure the HTTP client (the AWS CRT) reports, with the code, reason and advice it is answered
 * with: by its error number, wrapped as the SDK wraps it (an IOException in an SdkClientException), before the answer
 * began and mid-answer. The failures a test can provoke (a refused connection, a connection cut mid-stream, a TLS
 * handshake against a plain server) are also run through the real SDK in ModelErrorsTest.
 */
class BedrockErrorsTest {

    static Stream<Arguments> crtFailures() {
        return Stream.of(
                // name, CRT error number, mid-answer?, code, reason, the message says
                Arguments.of("refused", 1047, false, "InternalError", "endpoint_unreachable", "connection was refused"),
                Arguments.of("connect timeout", 1048, false, "InternalError", "endpoint_unreachable", "timed out"),
                Arguments.of("no route", 1049, false, "InternalError", "endpoint_unreachable", "could not be reached"),
                Arguments.of("DNS", 1060, false, "InternalError", "endpoint_unreachable", "did not resolve"),
                Arguments.of("TLS handshake", 1029, false, "InternalError", "endpoint_unreachable", "TLS handshake"),
                Arguments.of("TLS certificate", 1183, false, "InternalError", "endpoint_unreachable", "TLS handshake"),
                Arguments.of("socket closed", 1051, false, "ModelError", "connection_broken", "broke before"),
                Arguments.of("socket closed mid-answer", 1051, true, "ModelError", "connection_broken", "broke while"),
                Arguments.of("HTTP connection closed", 2058, true, "ModelError", "connection_broken", "broke while"),
                Arguments.of("protocol error", 2074, false, "ModelError", "connection_broken", "broke before"),
                Arguments.of("GOAWAY", 2076, true, "ModelError", "connection_broken", "broke while"),
                Arguments.of("RST_STREAM", 2077, true, "ModelError", "connection_broken", "broke while"),
                Arguments.of("TLS read failure", 1178, true, "ModelError", "connection_broken", "broke while"),
                Arguments.of(
                        "pool exhausted", 2093, false, "ModelBusy", "concurrency_limit", "BEDROCK_MAX_CONCURRENCY"),
                Arguments.of("pending acquisitions", 2094, false, "ModelBusy", "concurrency_limit", "was not called"),
                Arguments.of("no first byte", 2092, false, "ModelTimeout", "timeout", "did not answer in time"),
                Arguments.of(
                        "unknown, before",
                        2048,
                        false,
                        "InternalError",
                        "endpoint_unreachable",
                        "could not be reached"),
                Arguments.of("unknown, mid-answer", 2048, true, "ModelError", "connection_broken", "broke while"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("crtFailures")
    void eachClassOfHttpClientFailureHasItsCodeReasonAndAdvice(
            String name, int crtError, boolean midAnswer, String code, String reason, String says) {
        var thrown = SdkClientException.create(
                "Unable to execute HTTP request", new IOException(new HttpException(crtError)));

        ChatException e = BedrockErrors.translate(thrown, "amazon.nova-lite-v1:0", "us-east-1", midAnswer);

        assertThat(e.code().code()).isEqualTo(code);
        assertThat(e.reason()).hasValueSatisfying(r -> assertThat(r.wireName()).isEqualTo(reason));
        assertThat(e.getMessage()).contains(says).doesNotContain("Exception").doesNotContain("AWS_");
        assertThat(e.diagnostics()).containsKey("httpClientError");
        if (code.equals("ModelBusy")) {
            assertThat(e.retryAfterSeconds()).isPresent();
        }
    }

    @ParameterizedTest(name = "mid-answer: {0}")
    @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
    void aPlainIoFailureOfTheConnectionIsABrokenConnectionAndAParserFailureIsNot(boolean midAnswer) {
        ChatException broken =
                BedrockErrors.translate(new IOException("Connection reset by peer"), "m", "us-east-1", midAnswer);
        ChatException unreadable = BedrockErrors.translate(
                SdkClientException.create(
                        "Unable to unmarshall response",
                        new com.fasterxml.jackson.core.JsonParseException(null, "bad")),
                "m",
                "us-east-1",
                midAnswer);

        assertThat(broken.reason())
                .hasValueSatisfying(r -> assertThat(r.wireName()).isEqualTo("connection_broken"));
        assertThat(unreadable.code().code()).isEqualTo("InternalError");
        assertThat(unreadable.reason())
                .hasValueSatisfying(r -> assertThat(r.wireName()).isEqualTo("unexpected"));
    }
}
