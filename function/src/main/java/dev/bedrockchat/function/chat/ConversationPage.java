package dev.bedrockchat.function.chat;

import java.util.List;
import java.util.Optional;

/**
 * One page of a person's conversations, newest {@code updatedAt} first.
 *
 * @param nextCursor where the next page starts; empty on the last page
 */
public record ConversationPage(List<ConversationSummary> conversations, Optional<String> nextCursor) {
    public ConversationPage {
        conversations = List.copyOf(conversations);
    }
}
