package dev.bedrockchat.function.chat;

/**
 * Conversation titles: taken from the first user message (one line, shortened at a word boundary) until the person
 * renames the conversation.
 */
public final class Titles {
    /** The longest title taken from a message, in characters (code points), the ellipsis included. */
    public static final int DERIVED_MAX = 80;
    /** The longest title a person may give, in characters (code points). */
    public static final int RENAMED_MAX = 200;
    /** The title of a conversation without a user message yet. */
    public static final String UNTITLED = "New conversation";

    private Titles() {}

    /**
     * The title for a conversation that starts with this message: its text on one line (every run of white space and
     * control characters becomes one space), cut at the last word boundary that leaves room for an ellipsis when it
     * is longer than {@link #DERIVED_MAX} characters.
     */
    public static String fromFirstMessage(String message) {
        String line = oneLine(message);
        if (line.isEmpty()) {
            return UNTITLED;
        }
        if (line.codePointCount(0, line.length()) <= DERIVED_MAX) {
            return line;
        }
        int keep = line.offsetByCodePoints(0, DERIVED_MAX - 1);
        int space = line.lastIndexOf(' ', keep);
        String cut = space > 0 ? line.substring(0, space) : line.substring(0, keep);
        return cut.stripTrailing() + "…";
    }

    /**
     * A title a person chose, on one line.
     *
     * @throws ChatException ValidationError when it is not 1 to {@link #RENAMED_MAX} characters after trimming
     */
    public static String renamed(String title) {
        String line = title == null ? "" : oneLine(title);
        int length = line.codePointCount(0, line.length());
        if (length == 0 || length > RENAMED_MAX) {
            throw ChatException.validation("title must be 1 to " + RENAMED_MAX + " characters after trimming (it is "
                    + length + "): send {\"title\":\"a new title\"}");
        }
        return line;
    }

    /** The text with each run of white space or control characters replaced by one space, trimmed. */
    static String oneLine(String text) {
        var line = new StringBuilder(Math.min(text.length(), 512));
        boolean gap = false;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            i += Character.charCount(c);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                gap = !line.isEmpty();
                continue;
            }
            if (gap) {
                line.append(' ');
                gap = false;
            }
            line.appendCodePoint(c);
        }
        return line.toString();
    }
}
