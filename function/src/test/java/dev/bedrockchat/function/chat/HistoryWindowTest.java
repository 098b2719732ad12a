package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HistoryWindowTest {
    private static final List<ChatMessage> HISTORY = List.of(
            ChatMessage.user("aaaa"), ChatMessage.assistant("AAAA"),
            ChatMessage.user("bbbb"), ChatMessage.assistant("BBBB"),
            ChatMessage.user("cccc"), ChatMessage.assistant("CCCC"));

    @Test
    void everythingFitsInALargeBudget() {
        assertThat(new HistoryWindow(1000).messagesFor(HISTORY, "new?"))
                .extracting(ChatMessage::content)
                .containsExactly("aaaa", "AAAA", "bbbb", "BBBB", "cccc", "CCCC", "new?");
    }

    @Test
    void theOldestPairsAreDroppedFirstAndPairsAreNeverSplit() {
        // 4 for the question, 8 per pair: 4 + 8 + 8 = 20 fits two pairs; 27 still fits only two.
        assertThat(new HistoryWindow(27).messagesFor(HISTORY, "new?"))
                .extracting(ChatMessage::content)
                .containsExactly("bbbb", "BBBB", "cccc", "CCCC", "new?");
        assertThat(new HistoryWindow(19).messagesFor(HISTORY, "new?"))
                .extracting(ChatMessage::content)
                .containsExactly("cccc", "CCCC", "new?");
    }

    @Test
    void theNewMessageIsAlwaysSentEvenOverTheBudget() {
        assertThat(new HistoryWindow(3).messagesFor(HISTORY, "a long new question"))
                .extracting(ChatMessage::content)
                .containsExactly("a long new question");
        assertThat(new HistoryWindow(0).messagesFor(List.of(), "q")).containsExactly(ChatMessage.user("q"));
    }

    @Test
    void strayOrBlankMessagesAreSkippedSoRolesAlternate() {
        List<ChatMessage> untidy = List.of(
                ChatMessage.assistant("orphan answer"),
                ChatMessage.user("q1"),
                ChatMessage.assistant("a1"),
                ChatMessage.user("unanswered"),
                ChatMessage.user("q2"),
                ChatMessage.assistant(" "),
                ChatMessage.user("q3"),
                ChatMessage.assistant("a3"));

        List<ChatMessage> sent = new HistoryWindow(1000).messagesFor(untidy, "now");

        assertThat(sent).extracting(ChatMessage::content).containsExactly("q1", "a1", "q3", "a3", "now");
        for (int i = 0; i < sent.size(); i++) {
            assertThat(sent.get(i).role()).isEqualTo(i % 2 == 0 ? ChatMessage.Role.USER : ChatMessage.Role.ASSISTANT);
        }
    }
}
