package dev.bedrockchat.function.chat;

import java.util.Optional;

/**
 * What a listing asks for.
 *
 * @param limit  the most conversations on the page, {@link #MIN_LIMIT} to {@link #MAX_LIMIT}
 * @param cursor where the page starts, as a previous page gave it; empty for the first page
 * @param text   only conversations whose title or messages contain this text (ignoring case); empty for all
 */
public record ConversationQuery(int limit, Optional<ListCursor> cursor, Optional<String> text) {
    public static final int MIN_LIMIT = 1;
    public static final int MAX_LIMIT = 100;
    public static final int DEFAULT_LIMIT = 20;
    public static final int MAX_TEXT = 200;

    public ConversationQuery {
        if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
            throw ChatException.validation("limit must be a whole number from " + MIN_LIMIT + " to " + MAX_LIMIT);
        }
        text = text.map(String::strip).filter(value -> !value.isEmpty());
        text.ifPresent(value -> {
            if (value.codePointCount(0, value.length()) > MAX_TEXT) {
                throw ChatException.validation("q must be at most " + MAX_TEXT + " characters");
            }
        });
    }

    public static ConversationQuery firstPage() {
        return new ConversationQuery(DEFAULT_LIMIT, Optional.empty(), Optional.empty());
    }
}
