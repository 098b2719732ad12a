package dev.bedrockchat.function.api;

import java.io.IOException;

/**
 * One row of the API's route table: a method ({@link #ANY} for every method), a path pattern, who may call it, and
 * its handler.
 */
record Route(String method, PathPattern path, Access access, Handler handler) {
    /** The method of a route that takes every method. */
    static final String ANY = "*";

    /** Who may call a route. */
    enum Access {
        /** Anyone; a caller who is signed in is still identified. */
        OPEN,
        /**
         * Only a caller who is signed in (in {@code token} and {@code oidc} mode; in {@code none} mode everyone is the
         * anonymous principal); anyone else gets 401.
         */
        SIGNED_IN,
        /**
         * A program calling the OpenAI-compatible API: an API key ({@code oidc} mode), the shared token
         * ({@code token}), anyone ({@code none}), or with IAM authorization the caller API Gateway verified; anyone
         * else gets 401.
         */
        PROGRAM
    }

    /** Answers one request of the route. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }
}
