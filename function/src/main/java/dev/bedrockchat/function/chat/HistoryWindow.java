package dev.bedrockchat.function.chat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the history sent with a new question: whole user/assistant pairs, newest first, while the characters of the
 * pairs and the new question fit the budget. The oldest pairs are dropped first, a pair is never split, and the new
 * user message is always sent (even when it alone exceeds the budget).
 */
public final class HistoryWindow {
    private final int budgetChars;

    public HistoryWindow(int budgetChars) {
        this.budgetChars = budgetChars;
    }

    /** The messages to send: kept pairs in their original order, then the new user message. */
    public List<ChatMessage> messagesFor(List<ChatMessage> history, String question) {
        List<ChatMessage[]> pairs = pairs(history);
        var kept = new ArrayDeque<ChatMessage[]>();
        long used = question.length();
        for (int i = pairs.size() - 1; i >= 0; i--) {
            ChatMessage[] pair = pairs.get(i);
            long size = pair[0].content().length() + pair[1].content().length();
            if (used + size > budgetChars) {
                break;
            }
            used += size;
            kept.addFirst(pair);
        }
        var messages = new ArrayList<ChatMessage>(kept.size() * 2 + 1);
        for (ChatMessage[] pair : kept) {
            messages.add(pair[0]);
            messages.add(pair[1]);
        }
        messages.add(ChatMessage.user(question));
        return messages;
    }

    /** Complete pairs (a user message directly followed by a non-blank assistant message); strays are skipped. */
    private static List<ChatMessage[]> pairs(List<ChatMessage> history) {
        var pairs = new ArrayList<ChatMessage[]>();
        for (int i = 0; i + 1 < history.size(); i++) {
            ChatMessage user = history.get(i);
            ChatMessage assistant = history.get(i + 1);
            if (user.role() == ChatMessage.Role.USER
                    && assistant.role() == ChatMessage.Role.ASSISTANT
                    && !user.content().isBlank()
                    && !assistant.content().isBlank()) {
                pairs.add(new ChatMessage[] {user, assistant});
                i++;
            }
        }
        return pairs;
    }
}
