package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.RawHttp;
import dev.bedrockchat.function.TestApp;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** HEAD is answered wherever GET is: the same status and headers, the GET body's length, no body. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeadTest {
    private TestApp app;

    @BeforeAll
    void start() throws Exception {
        Path site = Files.createTempDirectory("head-site");
        Files.writeString(site.resolve("index.html"), "<!doctype html><title>Head</title>");
        app = TestApp.start(Map.of("CHAT_MODE", "offline", "STATIC_DIR", site.toString(), "AUTH_TOKEN", "head-token"));
    }

    @AfterAll
    void stop() {
        app.close();
    }

    /** HEAD over a plain socket, where nothing can hide a body that should not be there. */
    private RawHttp.Response head(String path, String... extraHeaders) {
        var head = new StringBuilder("HEAD " + path + " HTTP/1.1\nHost: localhost\nConnection: close\n");
        for (String header : extraHeaders) {
            head.append(header).append('\n');
        }
        return RawHttp.exchange(app.port(), head.toString(), new byte[0]);
    }

    @Test
    void headOfHealthIs200WithTheLengthOfTheGetBody() {
        HttpResponse<String> get = app.get("/api/health");
        RawHttp.Response head = head("/api/health");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("content-length"))
                .isEqualTo(Integer.toString(get.body().getBytes(StandardCharsets.UTF_8).length));
        assertThat(head.header("content-type")).isEqualTo("application/json; charset=utf-8");
        assertThat(head.header("cache-control")).isEqualTo("no-store");
        assertThat(head.header("content-security-policy"))
                .isEqualTo(get.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertThat(head.header("x-request-id")).isNotBlank();
        assertThat(app.requestLog(head.header("x-request-id")).path("method").asText())
                .isEqualTo("HEAD");
    }

    @Test
    void headOfAProtectedRouteNeedsTheTokenLikeItsGet() {
        assertThat(head("/api/models").status()).isEqualTo(401);
        RawHttp.Response head = head("/api/models", "Authorization: Bearer head-token");

        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(Integer.parseInt(head.header("content-length"))).isPositive();
    }

    @Test
    void headOfAPageFileAndOfAMissingOne() {
        RawHttp.Response page = head("/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("content-length")).isEqualTo("34");
        assertThat(page.header("content-type")).isEqualTo("text/html; charset=utf-8");
        assertThat(page.body()).isEmpty();

        RawHttp.Response missing = head("/missing.js");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.body()).isEmpty();
        assertThat(Integer.parseInt(missing.header("content-length"))).isPositive();
    }
}
