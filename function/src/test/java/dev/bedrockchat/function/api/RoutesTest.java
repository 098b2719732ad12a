package dev.bedrockchat.function.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The route table's rules: path patterns, the first pattern that matches owns the path, GET answers HEAD. */
class RoutesTest {
    private static final Route.Handler NONE = x -> {};

    private final Routes routes = Routes.builder()
            .route("GET", "/api/things", Route.Access.OPEN, NONE)
            .route("GET", "/api/things/{id}", Route.Access.SIGNED_IN, NONE)
            .route("DELETE", "/api/things/{id}", Route.Access.SIGNED_IN, NONE)
            .route(Route.ANY, "/api/**", Route.Access.SIGNED_IN, NONE)
            .route("POST", "/events", Route.Access.OPEN, NONE)
            .route("GET", "/**", Route.Access.OPEN, NONE)
            .build();

    private Routes.Match.Found found(String method, String path) {
        Routes.Match match = routes.match(method, path);
        assertThat(match).as(method + " " + path).isInstanceOf(Routes.Match.Found.class);
        return (Routes.Match.Found) match;
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource({
        "GET,    /api/things,            /api/things",
        "HEAD,   /api/things,            /api/things",
        "GET,    /api/things/abc,        /api/things/{id}",
        "DELETE, /api/things/a%2Fb,      /api/things/{id}",
        "PATCH,  /api/nothing,           /api/**",
        "GET,    /api,                   /api/**",
        "GET,    /api/things/,           /api/**",
        "GET,    /api/things/a/b,        /api/**",
        "POST,   /events,                /events",
        "GET,    /,                      /**",
        "GET,    /vendor/lib.js,         /**",
        "HEAD,   /index.html,            /**",
        "GET,    /apiary,                /**"
    })
    void theFirstPatternThatMatchesAnswers(String method, String path, String template) {
        assertThat(found(method, path).route().path().template()).isEqualTo(template);
    }

    @Test
    void pathParametersAreGivenRaw() {
        assertThat(found("GET", "/api/things/a%2Fb").parameters()).isEqualTo(Map.of("id", "a%2Fb"));
    }

    @ParameterizedTest(name = "{0} {1} -> 405, Allow: {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                "POST|/api/things|GET, HEAD",
                "PUT|/api/things/abc|GET, HEAD, DELETE",
                "HEAD|/events|POST",
                "GET|/events|POST",
                "POST|/index.html|GET, HEAD"
            })
    void aMethodThePatternDoesNotTakeIsRefusedWithItsMethods(String method, String path, String allow) {
        Routes.Match match = routes.match(method, path);

        assertThat(match).isInstanceOf(Routes.Match.WrongMethod.class);
        assertThat(String.join(", ", ((Routes.Match.WrongMethod) match).allowed()))
                .isEqualTo(allow);
    }

    @Test
    void aRefusedMethodNeedsTheTokenWhenAnyRowOfThePathDoes() {
        assertThat(((Routes.Match.WrongMethod) routes.match("PUT", "/api/things/abc")).access())
                .isEqualTo(Route.Access.SIGNED_IN);
        assertThat(((Routes.Match.WrongMethod) routes.match("POST", "/api/things")).access())
                .isEqualTo(Route.Access.OPEN);
    }

    @Test
    void aPathNoPatternMatchesHasNoRoute() {
        Routes narrow =
                Routes.builder().route("GET", "/only", Route.Access.OPEN, NONE).build();

        assertThat(narrow.match("GET", "/other")).isInstanceOf(Routes.Match.NoRoute.class);
        assertThat(narrow.match("GET", "/only/")).isInstanceOf(Routes.Match.NoRoute.class);
        assertThat(narrow.match("GET", "only")).isInstanceOf(Routes.Match.NoRoute.class);
    }

    @Test
    void anEmptySegmentIsNoParameter() {
        assertThat(PathPattern.of("/api/things/{id}").match("/api/things/")).isEmpty();
        assertThat(PathPattern.of("/api/things/{id}").match("/api/things")).isEmpty();
        assertThat(PathPattern.of("/api/**").match("/api")).hasValue(Map.of());
        assertThat(PathPattern.of("/api/**").match("/apix")).isEmpty();
        assertThat(PathPattern.of("/**").segments()).isEqualTo(List.of());
    }
}
