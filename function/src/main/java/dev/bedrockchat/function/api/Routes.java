package dev.bedrockchat.function.api;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The route table: rows in order, the first path pattern that matches a path owns it, and the methods of that
 * pattern's rows decide. A GET row answers HEAD too (the {@link Api} drops the body); a method the pattern does not
 * take is answered 405 with {@code Allow} built from its rows.
 */
final class Routes {
    private final List<Route> rows;

    private Routes(List<Route> rows) {
        this.rows = List.copyOf(rows);
    }

    static Builder builder() {
        return new Builder();
    }

    /** Every row, in order. */
    List<Route> rows() {
        return rows;
    }

    /** What the table says about a request. */
    sealed interface Match {
        /** The route that answers, with the path's parameters. */
        record Found(Route route, Map<String, String> parameters) implements Match {}

        /** The path is known but not for this method. */
        record WrongMethod(String template, Route.Access access, List<String> allowed) implements Match {}

        /** No row's path matches. */
        record NoRoute() implements Match {}
    }

    Match match(String method, String rawPath) {
        for (Route row : rows) {
            Optional<Map<String, String>> parameters = row.path().match(rawPath);
            if (parameters.isEmpty()) {
                continue;
            }
            List<Route> owners = rows.stream()
                    .filter(r -> r.path().template().equals(row.path().template()))
                    .toList();
            for (String candidate : method.equals("HEAD") ? List.of("HEAD", "GET") : List.of(method)) {
                for (Route owner : owners) {
                    if (owner.method().equals(candidate) || owner.method().equals(Route.ANY)) {
                        return new Match.Found(owner, parameters.get());
                    }
                }
            }
            var allowed = new LinkedHashSet<String>();
            owners.forEach(owner -> {
                allowed.add(owner.method());
                if (owner.method().equals("GET")) {
                    allowed.add("HEAD");
                }
            });
            // A path that needs a caller for any of its methods asks for one for the others too.
            Route.Access access = owners.stream()
                    .map(Route::access)
                    .filter(owner -> owner != Route.Access.OPEN)
                    .findFirst()
                    .orElse(Route.Access.OPEN);
            return new Match.WrongMethod(row.path().template(), access, List.copyOf(allowed));
        }
        return new Match.NoRoute();
    }

    static final class Builder {
        private final List<Route> rows = new ArrayList<>();

        /** Adds a row: {@code method} ({@link Route#ANY} for all), {@code path} as a {@link PathPattern}. */
        Builder route(String method, String path, Route.Access access, Route.Handler handler) {
            rows.add(new Route(method, PathPattern.of(path), access, handler));
            return this;
        }

        Routes build() {
            return new Routes(rows);
        }
    }
}
