package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.StoredMessage;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A conversation as a Markdown document: its title, then one section per message with its role and time. It stays
 * well-formed whatever the messages hold: a person's own text is a fenced block (longer than any run of backticks in
 * it), shown exactly as typed; an answer is Markdown as the model wrote it, with a code fence or an HTML block it left
 * open closed at its end, so that nothing swallows the sections after it; the title is escaped.
 */
final class MarkdownExport {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Pattern FENCE = Pattern.compile("^ {0,3}(`{3,}|~{3,})(.*)$");
    private static final Pattern BACKTICKS = Pattern.compile("`+");
    /** The HTML blocks of CommonMark that only their own end marker closes (kinds 1 to 5), with that marker. */
    private static final Pattern[] HTML_STARTS = {
        Pattern.compile("^ {0,3}<(script|pre|style|textarea)(\\s|>|$)", Pattern.CASE_INSENSITIVE),
        Pattern.compile("^ {0,3}<!--"),
        Pattern.compile("^ {0,3}<\\?"),
        Pattern.compile("^ {0,3}<![A-Za-z]"),
        Pattern.compile("^ {0,3}<!\\[CDATA\\["),
    };

    private MarkdownExport() {}

    static String render(Conversation conversation, Instant exportedAt) {
        var md = new StringBuilder();
        md.append("# ").append(escapeInline(conversation.title())).append("\n\n");
        md.append("- Conversation: `").append(conversation.conversationId()).append("`\n");
        md.append("- Created: ").append(time(conversation.createdAt())).append('\n');
        md.append("- Updated: ").append(time(conversation.updatedAt())).append('\n');
        md.append("- Exported: ").append(TIME.format(exportedAt)).append('\n');
        for (StoredMessage message : conversation.messages()) {
            boolean user = message.role().equals(ChatMessage.Role.USER.wireName());
            md.append("\n## ").append(user ? "User" : "Assistant").append(" · ").append(time(message.at()));
            md.append("\n\n");
            if (user) {
                md.append(literal(message.content()));
            } else {
                md.append(closed(message.content()));
            }
            if (message.incomplete()) {
                md.append("\n> *Partial answer (")
                        .append(message.partialReason())
                        .append("): it stopped before it was complete.*\n");
            }
        }
        return md.toString();
    }

    /** A time as stored, readable; a time that cannot be read is shown as it is, escaped. */
    private static String time(String iso) {
        try {
            return TIME.format(Instant.parse(iso));
        } catch (DateTimeParseException | NullPointerException e) {
            return escapeInline(String.valueOf(iso));
        }
    }

    /** A person's text exactly as typed: a fenced block whose fence is longer than any run of backticks in the text. */
    static String literal(String text) {
        int longest = 0;
        Matcher runs = BACKTICKS.matcher(text);
        while (runs.find()) {
            longest = Math.max(longest, runs.end() - runs.start());
        }
        String fence = "`".repeat(Math.max(3, longest + 1));
        String body = text.replace("\r\n", "\n").replace('\r', '\n');
        return fence + "text\n" + body + (body.endsWith("\n") ? "" : "\n") + fence + "\n";
    }

    /** Markdown as written, ending with a blank line outside any code fence or HTML block it opened. */
    static String closed(String markdown) {
        String text = markdown.replace("\r\n", "\n").replace('\r', '\n');
        String openFence = null;
        String htmlEnd = null;
        for (String line : text.split("\n", -1)) {
            if (openFence != null) {
                if (closesFence(line, openFence)) {
                    openFence = null;
                }
                continue;
            }
            if (htmlEnd != null) {
                if (line.toLowerCase(Locale.ROOT).contains(htmlEnd)) {
                    htmlEnd = null;
                }
                continue;
            }
            Matcher fence = FENCE.matcher(line);
            if (fence.matches()
                    && !(fence.group(1).startsWith("`") && fence.group(2).contains("`"))) {
                openFence = fence.group(1);
                continue;
            }
            htmlEnd = htmlBlockEnd(line);
        }
        var out = new StringBuilder(text);
        if (!text.endsWith("\n")) {
            out.append('\n');
        }
        if (openFence != null) {
            out.append(openFence).append('\n');
        } else if (htmlEnd != null) {
            out.append(htmlEnd).append('\n');
        }
        return out.toString();
    }

    private static boolean closesFence(String line, String open) {
        int indent = 0;
        while (indent < line.length() && line.charAt(indent) == ' ') {
            indent++;
        }
        String trimmed = line.strip();
        if (indent > 3 || trimmed.length() < open.length()) {
            return false;
        }
        char c = open.charAt(0);
        for (int i = 0; i < trimmed.length(); i++) {
            if (trimmed.charAt(i) != c) {
                return false;
            }
        }
        return true;
    }

    /** The end marker of an HTML block the line starts and does not end itself; null when it starts none. */
    private static String htmlBlockEnd(String line) {
        String[] ends = {null, "-->", "?>", ">", "]]>"};
        for (int kind = 0; kind < HTML_STARTS.length; kind++) {
            Matcher start = HTML_STARTS[kind].matcher(line);
            if (start.find()) {
                String end = kind == 0 ? "</" + start.group(1).toLowerCase(Locale.ROOT) + ">" : ends[kind];
                String rest = line.substring(start.end()).toLowerCase(Locale.ROOT);
                return rest.contains(end) ? null : end;
            }
        }
        return null;
    }

    /** Text on one line with every ASCII punctuation character escaped, so that it is only text. */
    static String escapeInline(String text) {
        var out = new StringBuilder(text.length() + 8);
        text.codePoints().forEach(c -> {
            if (c < 128 && !Character.isLetterOrDigit(c) && c > ' ' && c != 127) {
                out.append('\\');
            }
            out.appendCodePoint(c == '\n' || c == '\r' ? ' ' : c);
        });
        return out.toString();
    }
}
