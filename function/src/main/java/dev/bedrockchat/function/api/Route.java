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
        /** Anyone; a valid token still identifies its caller. */
        OPEN,
        /** With AUTH_TOKEN set, only callers that present it. */
        TOKEN
    }

    /** Answers one request of the route. */
    @FunctionalInterface
    interface Handler {
        void handle(Exchange exchange) throws IOException;
    }
}
