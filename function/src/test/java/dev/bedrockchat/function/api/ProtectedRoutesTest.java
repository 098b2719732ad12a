package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.testing.OidcProviderStub;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every row of the route table that needs a signed-in caller answers 401 without one, in {@code token} and in
 * {@code oidc} mode (a row added later is covered without touching this test); the open rows never do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProtectedRoutesTest {
    private static final String SOME_ID = "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69";

    private OidcProviderStub provider;
    private TestApp tokenApp;
    private TestApp oidcApp;

    @BeforeAll
    void start() {
        provider = OidcProviderStub.start();
        tokenApp = TestApp.start(Map.of("CHAT_MODE", "offline", "AUTH_TOKEN", "route-table-token"));
        oidcApp = TestApp.start(Map.of(
                "CHAT_MODE",
                "offline",
                "AUTH_MODE",
                "oidc",
                "OIDC_ISSUER",
                provider.issuer(),
                "OIDC_CLIENT_ID",
                OidcProviderStub.CLIENT_ID));
    }

    @AfterAll
    void stop() {
        tokenApp.close();
        oidcApp.close();
        provider.close();
    }

    /** A request for each row: its method (GET, POST and DELETE for a row of every method) and a path it matches. */
    private static List<String[]> requests(TestApp app, Route.Access access) {
        var requests = new ArrayList<String[]>();
        for (Route route : app.application().api().routes().rows()) {
            if (route.access() != access) {
                continue;
            }
            String path =
                    route.path().template().replaceAll("\\{[^}]+}", SOME_ID).replace("/**", "/anything/below");
            List<String> methods =
                    route.method().equals(Route.ANY) ? List.of("GET", "POST", "DELETE") : List.of(route.method());
            for (String method : methods) {
                assertThat(route.path().match(path)).as(path).isPresent();
                requests.add(new String[] {method, path});
            }
        }
        return requests;
    }

    private static void assertEveryProtectedRowRefuses(TestApp app) {
        List<String[]> requests = requests(app, Route.Access.SIGNED_IN);
        assertThat(requests).extracting(r -> r[1]).contains("/api/me", "/api/chat", "/api/models");
        for (String[] request : requests) {
            HttpResponse<String> response = request[0].equals("POST")
                    ? app.postJson(request[1], "{\"message\":\"hi\"}")
                    : app.method(request[0], request[1]);
            String what = request[0] + " " + request[1];
            assertThat(response.statusCode()).as(what).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .as(what)
                    .hasValue("Bearer realm=\"bedrock-chat\"");
            JsonNode error = TestApp.json(response).path("error");
            assertThat(error.path("code").asText()).as(what).isEqualTo("Unauthorized");
            assertThat(error.path("reason").asText()).as(what).isEqualTo("missing_token");
        }
    }

    private static void assertNoOpenRowRefuses(TestApp app) {
        List<String[]> requests = requests(app, Route.Access.OPEN);
        assertThat(requests).extracting(r -> r[1]).contains("/api/health", "/api/auth/config");
        for (String[] request : requests) {
            HttpResponse<String> response = app.method(request[0], request[1]);
            assertThat(response.statusCode()).as(request[0] + " " + request[1]).isNotEqualTo(401);
        }
    }

    @Test
    void inTokenModeEveryProtectedRouteNeedsTheToken() {
        assertEveryProtectedRowRefuses(tokenApp);
        assertNoOpenRowRefuses(tokenApp);
    }

    @Test
    void inOidcModeEveryProtectedRouteNeedsASignedInPerson() {
        assertEveryProtectedRowRefuses(oidcApp);
        assertNoOpenRowRefuses(oidcApp);
    }

    @Test
    void aWrongMethodOnAProtectedPathIsAlso401() {
        HttpResponse<String> response = oidcApp.method("PUT", "/api/chat");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(oidcApp.method("PUT", "/api/auth/config").statusCode()).isEqualTo(405);
    }
}
