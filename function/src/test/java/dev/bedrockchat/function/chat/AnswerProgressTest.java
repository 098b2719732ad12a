package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerProgressTest {
    // 8 + 5 + 2 + 10 = 25 characters sent, system prompt included: an estimate of 7 input tokens.
    private static final ModelRequest REQUEST = new ModelRequest(
            "model",
            "Be brief",
            List.of(ChatMessage.user("q one"), ChatMessage.assistant("a1"), ChatMessage.user("the second")),
            100,
            0.5,
            Deadline.in(Duration.ofMinutes(1)));
    private static final Instant STARTED = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void nothingAnsweredHasNoUsageAndNoText() {
        var progress = new AnswerProgress(REQUEST, STARTED);

        assertThat(progress.usage()).isNull();
        assertThat(progress.usageEstimated()).isNull();
        assertThat(progress.replyText()).isNull();
        assertThat(progress.stopReason()).isNull();
        assertThat(progress.firstTokenMs()).isNull();
        assertThat(progress.hasReply()).isFalse();
        assertThat(progress.streamed()).isEmpty();
        assertThat(progress.startedAt()).isEqualTo(STARTED);
    }

    @Test
    void anAnswerCutShortIsEstimatedFromTheWholeRequestAndTheTextStreamed() {
        var progress = new AnswerProgress(REQUEST, STARTED);
        progress.delta("Once ");
        Long firstToken = progress.firstTokenMs();
        progress.delta("upon a");

        assertThat(firstToken).isNotNull().isNotNegative();
        assertThat(progress.firstTokenMs()).as("set by the first piece only").isEqualTo(firstToken);
        assertThat(progress.streamed()).isEqualTo("Once upon a");
        assertThat(progress.replyText()).isEqualTo("Once upon a");
        assertThat(progress.usage()).isEqualTo(new Usage((25 + 3) / 4, (11 + 3) / 4));
        assertThat(progress.usageEstimated()).isTrue();
        assertThat(progress.hasReply()).isFalse();
    }

    @Test
    void theModelsCountIsTakenWhenItCountedItsReply() {
        var progress = new AnswerProgress(REQUEST, STARTED);
        progress.delta("Hel");
        progress.replied(new ModelReply("Hello", "end_turn", new Usage(40, 2, 5, null)));

        assertThat(progress.usage()).isEqualTo(new Usage(40, 2, 5, null));
        assertThat(progress.usageEstimated()).isFalse();
        assertThat(progress.replyText()).isEqualTo("Hello");
        assertThat(progress.stopReason()).isEqualTo("end_turn");
        assertThat(progress.hasReply()).isTrue();
    }

    @Test
    void aReplyTheModelDidNotCountIsEstimatedFromItsOwnText() {
        var progress = new AnswerProgress(REQUEST, STARTED);
        progress.delta("x");
        progress.replied(new ModelReply("The whole answer", "end_turn", Usage.NONE));

        assertThat(progress.usage()).isEqualTo(new Usage((25 + 3) / 4, (16 + 3) / 4));
        assertThat(progress.usageEstimated()).isTrue();
        assertThat(progress.replyText()).isEqualTo("The whole answer");
    }
}
