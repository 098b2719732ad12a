package dev.bedrockchat.function.chat;

import java.util.Locale;
import java.util.regex.Pattern;

/** Conversation ids are UUIDs in their canonical text form; anything else is refused before any storage is touched. */
public final class ConversationIds {
    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private ConversationIds() {}

    /**
     * @return the id in lower case
     * @throws ChatException ValidationError when the value is not a UUID
     */
    public static String parse(String value) {
        if (value == null || value.length() != 36 || !UUID_TEXT.matcher(value).matches()) {
            throw ChatException.validation(
                    "conversationId must be a UUID such as " + "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69");
        }
        return value.toLowerCase(Locale.ROOT);
    }
}
