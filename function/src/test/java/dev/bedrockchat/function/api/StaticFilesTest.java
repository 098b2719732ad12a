package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.RawHttp;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.http.SecurityHeaders;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The page's files from STATIC_DIR: types, caching, security headers, and no way out of the folder. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticFilesTest {
    private Path site;
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        Path root = Files.createTempDirectory("static-test");
        site = Files.createDirectories(root.resolve("dist"));
        Files.writeString(root.resolve("secret.txt"), "outside the site");
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>Chat</title>");
        Files.writeString(site.resolve("app.js"), "export const x = 1;");
        Files.writeString(site.resolve("lib.mjs"), "export default 2;");
        Files.writeString(site.resolve("style.css"), "body{}");
        Files.writeString(site.resolve("icon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
        Files.writeString(site.resolve("data.json"), "{}");
        Files.write(site.resolve("logo.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G'});
        Files.write(site.resolve("favicon.ico"), new byte[] {0, 0, 1, 0});
        Files.writeString(site.resolve(".env"), "hidden");
        Files.createDirectories(site.resolve("vendor"));
        Files.writeString(site.resolve("vendor/marked.esm.js"), "export function marked() {}");
        Files.createSymbolicLink(site.resolve("escape.txt"), root.resolve("secret.txt"));
        app = TestApp.start(Map.of("CHAT_MODE", "offline", "STATIC_DIR", site.toString()));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    @Test
    void theRootServesIndexHtmlWithoutCachingAndWithTheSecurityHeaders() {
        HttpResponse<String> response = app.get("/");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("<title>Chat</title>");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
        assertThat(response.headers().firstValue("Cache-Control")).hasValue("no-cache");
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(response.headers().firstValue("X-Frame-Options")).hasValue("DENY");
        assertThat(response.headers().firstValue("Referrer-Policy")).hasValue("strict-origin-when-cross-origin");
        assertThat(response.headers().firstValue("Strict-Transport-Security")).isEmpty();
        assertThat(response.headers().firstValue("x-request-id")).isPresent();
    }

    @Test
    void theContentSecurityPolicyIsTheOneOfTheContract() {
        assertThat(SecurityHeaders.CONTENT_SECURITY_POLICY)
                .isEqualTo("default-src 'self'; script-src 'self'; "
                        + "style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; "
                        + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'");
    }

    @ParameterizedTest
    @CsvSource({
        "/index.html,           text/html; charset=utf-8",
        "/app.js,               text/javascript; charset=utf-8",
        "/lib.mjs,              text/javascript; charset=utf-8",
        "/style.css,            text/css; charset=utf-8",
        "/icon.svg,             image/svg+xml",
        "/data.json,            application/json; charset=utf-8",
        "/logo.png,             image/png",
        "/favicon.ico,          image/x-icon",
        "/vendor/marked.esm.js, text/javascript; charset=utf-8"
    })
    void filesAreServedWithTheirContentType(String path, String contentType) {
        HttpResponse<String> response = app.get(path);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue(contentType);
        assertThat(response.headers().firstValue("Content-Security-Policy"))
                .hasValue(SecurityHeaders.CONTENT_SECURITY_POLICY);
    }

    @Test
    void headAnswersWithTheHeadersAndNoBody() {
        HttpResponse<String> response = app.method("HEAD", "/app.js");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).hasValue("19");
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/javascript; charset=utf-8");
        assertThat(response.body()).isEmpty();
    }

    @Test
    void aMalformedEscapeIsRefusedWithABadRequest() {
        // The JDK server refuses a request line whose URI does not parse, before any handler runs.
        RawHttp.Response response = RawHttp.get(app.port(), "/%ZZ");

        assertThat(response.status()).isEqualTo(400);
        assertThat(app.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void otherMethodsAreNotAllowed() {
        HttpResponse<String> response = app.postJson("/index.html", "{}");

        assertThat(response.statusCode()).isEqualTo(405);
        assertThat(response.headers().firstValue("Allow")).hasValue("GET, HEAD");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/../secret.txt",
                "/%2e%2e/secret.txt",
                "/..%2fsecret.txt",
                "/vendor/../../secret.txt",
                "/%2e%2e%5csecret.txt",
                "/.env",
                "/escape.txt",
                "/missing.js",
                "/index.html%00.js",
                "/vendor/",
                "//etc/passwd"
            })
    void nothingOutsideTheFolderHiddenOrMissingIsServed(String rawPath) {
        RawHttp.Response response = RawHttp.get(app.port(), rawPath);

        assertThat(response.status()).isEqualTo(404);
        assertThat(response.body()).doesNotContain("outside the site").doesNotContain("hidden");
        assertThat(TestApp.json(response.body()).path("error").path("code").asText())
                .isEqualTo("NotFound");
        assertThat(response.header("content-security-policy")).isEqualTo(SecurityHeaders.CONTENT_SECURITY_POLICY);
    }
}
