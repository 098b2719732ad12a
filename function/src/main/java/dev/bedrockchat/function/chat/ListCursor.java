package dev.bedrockchat.function.chat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Comparator;

/**
 * A position in a person's listing, which is ordered by {@code updatedAt}, newest first, then by id: the page after
 * it starts with the first conversation that sorts after {@code (updatedAt, conversationId)}. Clients get it as an
 * opaque text ({@link #encode()}).
 */
public record ListCursor(Instant updatedAt, String conversationId) {
    /** The listing's order: newest {@code updatedAt} first, then by id (descending), so that ties sort the same way. */
    public static final Comparator<ListCursor> ORDER = Comparator.comparing(ListCursor::updatedAt)
            .thenComparing(ListCursor::conversationId)
            .reversed();

    public static ListCursor of(ConversationSummary summary) {
        return new ListCursor(instant(summary.updatedAt()), summary.conversationId());
    }

    /** Whether this summary comes after the cursor in the listing's order. */
    public boolean precedes(ConversationSummary summary) {
        return ORDER.compare(this, of(summary)) < 0;
    }

    public String encode() {
        String plain = updatedAt + "|" + conversationId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @throws ChatException ValidationError when the text is not a cursor this API gave
     */
    public static ListCursor decode(String text) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (bar < 0) {
                throw new IllegalArgumentException("no separator");
            }
            return new ListCursor(
                    Instant.parse(plain.substring(0, bar)), ConversationIds.parse(plain.substring(bar + 1)));
        } catch (IllegalArgumentException | DateTimeParseException | ChatException e) {
            throw ChatException.validation(
                    "cursor is not one this API gave: pass the nextCursor of the previous page, or leave it out");
        }
    }

    /** A time as stored; an unreadable one sorts as the oldest. */
    static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }
}
