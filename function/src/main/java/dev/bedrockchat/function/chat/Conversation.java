package dev.bedrockchat.function.chat;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A conversation document ({@code conversations/<principalKey>/<id>.json}): its owner, its title, its messages in the
 * order their turns arrived, and a revision that grows with every write (so that of two records of it, the newer is
 * known).
 *
 * @param title   the person's own title when {@code renamed}; otherwise the one taken from the first user message
 *                (kept in step with the messages)
 * @param renamed whether the person gave the title
 */
public record Conversation(
        String conversationId,
        Principal owner,
        String title,
        boolean renamed,
        String createdAt,
        String updatedAt,
        long revision,
        List<StoredMessage> messages) {
    public Conversation {
        Objects.requireNonNull(conversationId, "conversationId");
        Objects.requireNonNull(owner, "owner");
        messages = List.copyOf(messages);
        if (renamed && (title == null || title.isBlank())) {
            renamed = false;
        }
        if (!renamed && (!messages.isEmpty() || title == null || title.isBlank())) {
            title = derivedTitle(messages);
        }
    }

    public static Conversation start(String conversationId, Principal owner, String now) {
        return new Conversation(conversationId, owner, null, false, now, now, 0, List.of());
    }

    /**
     * A conversation whose first turn has just begun: no message yet, and the title its first message will give it
     * (so that it is listed under it while the answer runs).
     */
    public static Conversation begun(String conversationId, Principal owner, String title, String now) {
        return new Conversation(conversationId, owner, title, false, now, now, 1, List.of());
    }

    /**
     * The document with one more turn, placed by its arrival (the time of its user message; turns that arrived at the
     * same instant are ordered by turn id), so that concurrent turns end up in the order they came in whatever order
     * they are written in.
     *
     * @param turn the messages of one turn (a question and its answer), which carry the turn's id
     */
    public Conversation withTurn(List<StoredMessage> turn, String now) {
        int at = insertionPoint(turn.getFirst());
        var all = new ArrayList<StoredMessage>(messages.size() + turn.size());
        all.addAll(messages.subList(0, at));
        all.addAll(turn);
        all.addAll(messages.subList(at, messages.size()));
        return new Conversation(conversationId, owner, title, renamed, createdAt, later(now), revision + 1, all);
    }

    /** The document with the title a person gave it. */
    public Conversation renamedTo(String newTitle, String now) {
        return new Conversation(conversationId, owner, newTitle, true, createdAt, later(now), revision + 1, messages);
    }

    /** Whether the document already holds the turn with this id (a write repeated after it had succeeded). */
    public boolean holdsTurn(String turnId) {
        return turnId != null && messages.stream().anyMatch(message -> turnId.equals(message.turn()));
    }

    /** What a listing shows of it. */
    public ConversationSummary summary() {
        return new ConversationSummary(conversationId, title, createdAt, updatedAt, messages.size());
    }

    /** Whether the title or a message contains the text, ignoring case. */
    public boolean mentions(String text) {
        String wanted = text.toLowerCase(Locale.ROOT);
        return title.toLowerCase(Locale.ROOT).contains(wanted)
                || messages.stream()
                        .anyMatch(message ->
                                message.content().toLowerCase(Locale.ROOT).contains(wanted));
    }

    @JsonIgnore
    public List<ChatMessage> chatMessages() {
        return messages.stream().map(StoredMessage::toChatMessage).toList();
    }

    /** Where a turn whose first message is {@code first} goes: before the first turn that arrived after it. */
    private int insertionPoint(StoredMessage first) {
        Instant incoming = instant(first.at());
        // Turns are kept in the order they came in, so a turn that came after every other one (the usual case) goes
        // last: the last turn's start is looked at first.
        int last = lastTurnStart();
        if (last < 0 || !arrivedAfter(messages.get(last), first, incoming)) {
            return messages.size();
        }
        int i = 0;
        while (i < messages.size()) {
            StoredMessage start = messages.get(i);
            if (arrivedAfter(start, first, incoming)) {
                return i;
            }
            i++;
            // The rest of that turn: the messages carrying the same turn id.
            while (start.turn() != null
                    && i < messages.size()
                    && start.turn().equals(messages.get(i).turn())) {
                i++;
            }
        }
        return messages.size();
    }

    /** Where the last turn begins (the first of the messages that share the last one's turn id); -1 when empty. */
    private int lastTurnStart() {
        int i = messages.size() - 1;
        if (i < 0) {
            return -1;
        }
        String turn = messages.get(i).turn();
        while (turn != null && i > 0 && turn.equals(messages.get(i - 1).turn())) {
            i--;
        }
        return i;
    }

    private static boolean arrivedAfter(StoredMessage existing, StoredMessage incoming, Instant incomingAt) {
        Instant a = instant(existing.at());
        if (a == null || incomingAt == null) {
            return false;
        }
        int byTime = a.compareTo(incomingAt);
        if (byTime != 0) {
            return byTime > 0;
        }
        return existing.turn() != null
                && incoming.turn() != null
                && existing.turn().compareTo(incoming.turn()) > 0;
    }

    private static Instant instant(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** The later of the document's update time and {@code now} (turns may be written out of order). */
    private String later(String now) {
        Instant current = instant(updatedAt);
        Instant next = instant(now);
        return current != null && next != null && current.isAfter(next) ? updatedAt : now;
    }

    private static String derivedTitle(List<StoredMessage> messages) {
        return messages.stream()
                .filter(message -> message.role().equals(ChatMessage.Role.USER.wireName()))
                .findFirst()
                .map(message -> Titles.fromFirstMessage(message.content()))
                .orElse(Titles.UNTITLED);
    }
}
