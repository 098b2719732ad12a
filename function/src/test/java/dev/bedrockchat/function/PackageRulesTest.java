package dev.bedrockchat.function;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.api.HttpError;
import dev.bedrockchat.function.chat.ErrorCode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The layering of the function, checked on its sources: the chat service knows nothing of HTTP or the AWS SDK, the
 * router imports no AWS SDK type, and the one error table of the API gives every code its status.
 */
class PackageRulesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/bedrockchat/function");
    private static final Pattern IMPORT = Pattern.compile("^import (static )?([\\w.]+)", Pattern.MULTILINE);

    /** The imports of every source file of a package (not its sub-packages), by file name. */
    private static Map<String, List<String>> imports(String pkg) {
        try (var files = Files.list(SOURCES.resolve(pkg))) {
            return files.filter(file -> file.toString().endsWith(".java"))
                    .collect(Collectors.toMap(file -> file.getFileName().toString(), PackageRulesTest::importsOf));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> importsOf(Path file) {
        try {
            return IMPORT.matcher(Files.readString(file))
                    .results()
                    .map(m -> m.group(2))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theChatServiceKnowsNothingOfHttpOrTheAwsSdk() {
        Map<String, List<String>> chat = imports("chat");

        assertThat(chat).isNotEmpty();
        chat.forEach((file, imports) -> assertThat(imports)
                .as(file)
                .noneMatch(name -> name.startsWith("software.amazon.")
                        || name.startsWith("com.amazonaws.")
                        || name.startsWith("com.sun.net.httpserver")
                        || name.startsWith("java.net.http")
                        || name.startsWith("dev.bedrockchat.function.http")
                        || name.startsWith("dev.bedrockchat.function.api")
                        || name.startsWith("dev.bedrockchat.function.auth")));
        assertThat(Arrays.stream(ErrorCode.class.getMethods()).map(java.lang.reflect.Method::getName))
                .as("chat error codes carry no HTTP status")
                .doesNotContain("status");
    }

    @Test
    void theRouterImportsNoAwsSdkType() {
        Map<String, List<String>> api = imports("api");

        assertThat(api).containsKey("Api.java");
        api.forEach((file, imports) -> assertThat(imports)
                .as(file)
                .noneMatch(name -> name.startsWith("software.amazon.")
                        || name.startsWith("com.amazonaws.")
                        || name.startsWith("dev.bedrockchat.function.aws")
                        || name.startsWith("dev.bedrockchat.function.bedrock")));
    }

    @Test
    void signInKnowsNothingOfTheRouterOrTheAwsSdkAndVerifiesTokensOnTheJdkAlone() {
        Map<String, List<String>> auth = imports("auth");

        assertThat(auth).containsKeys("SignIn.java", "OidcTokenVerifier.java", "SigningKeys.java");
        auth.forEach((file, imports) -> assertThat(imports)
                .as(file)
                .noneMatch(name -> name.startsWith("software.amazon.")
                        || name.startsWith("com.amazonaws.")
                        || name.startsWith("com.nimbusds")
                        || name.startsWith("io.jsonwebtoken")
                        || name.startsWith("com.auth0")
                        || name.startsWith("org.jose4j")
                        || name.startsWith("dev.bedrockchat.function.api")
                        || name.startsWith("dev.bedrockchat.function.aws")
                        || name.startsWith("dev.bedrockchat.function.server")
                        || name.startsWith("dev.bedrockchat.function.lambda")));
    }

    @Test
    void everyErrorCodeHasOneStatusAndTheTransportOnlyCodesAreTheApisOwn() {
        for (ErrorCode code : ErrorCode.values()) {
            assertThat(HttpError.of(code).code()).isEqualTo(code.code());
        }
        assertThat(Arrays.stream(HttpError.values())
                        .filter(error -> error.chatCode().isEmpty())
                        .map(HttpError::code))
                .as("the API's own refusals, and the HTTP server's before any route")
                .containsExactly(
                        "Unauthorized",
                        "Forbidden",
                        "MethodNotAllowed",
                        "RequestTimeout",
                        "PayloadTooLarge",
                        "UriTooLong",
                        "UnsupportedMediaType",
                        "HeadersTooLarge",
                        "NotImplemented",
                        "ServerBusy",
                        "HttpVersionNotSupported");
        Map<String, Integer> statuses =
                Arrays.stream(HttpError.values()).collect(Collectors.toMap(HttpError::code, HttpError::status));
        assertThat(statuses)
                .isEqualTo(Map.ofEntries(
                        Map.entry("ValidationError", 400),
                        Map.entry("ModelNotAllowed", 400),
                        Map.entry("Unauthorized", 401),
                        Map.entry("Forbidden", 403),
                        Map.entry("NotFound", 404),
                        Map.entry("Conflict", 409),
                        Map.entry("MethodNotAllowed", 405),
                        Map.entry("RequestTimeout", 408),
                        Map.entry("PayloadTooLarge", 413),
                        Map.entry("UriTooLong", 414),
                        Map.entry("UnsupportedMediaType", 415),
                        Map.entry("HeadersTooLarge", 431),
                        Map.entry("Throttled", 429),
                        Map.entry("QuotaExceeded", 429),
                        Map.entry("InternalError", 500),
                        Map.entry("NotImplemented", 501),
                        Map.entry("ModelAccessDenied", 502),
                        Map.entry("ModelNotFound", 502),
                        Map.entry("ModelError", 502),
                        Map.entry("ModelUnavailable", 503),
                        Map.entry("ServerBusy", 503),
                        Map.entry("ModelBusy", 503),
                        Map.entry("StorageUnavailable", 503),
                        Map.entry("ModelTimeout", 504),
                        Map.entry("HttpVersionNotSupported", 505)));
    }
}
