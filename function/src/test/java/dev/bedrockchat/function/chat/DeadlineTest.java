package dev.bedrockchat.function.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.offline.OfflineChatModel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The deadline type, and the deadline of an answer as the offline stand-in keeps it. */
class DeadlineTest {

    private static ModelRequest request(Deadline deadline) {
        return new ModelRequest("amazon.nova-micro-v1:0", "", List.of(ChatMessage.user("Tell me")), 100, 0.5, deadline);
    }

    @Test
    void theOfflineStandInStopsStreamingAtTheDeadline() {
        // Half a second leaves the first delta room on a busy machine; the whole reply (some 38 pieces, 50 ms apart)
        // takes well over a second, so the deadline always comes first.
        var model = new OfflineChatModel(Duration.ofMillis(50));
        var heard = new ArrayList<String>();

        assertThatThrownBy(() -> model.converseStream(request(Deadline.in(Duration.ofMillis(500))), heard::add))
                .isInstanceOfSatisfying(ChatException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.MODEL_TIMEOUT);
                    assertThat(e.getMessage()).contains("ANSWER_TIMEOUT_SECONDS");
                });
        assertThat(heard)
                .isNotEmpty()
                .hasSizeLessThan(OfflineChatModel.replyTo("Tell me").split(" ").length);
    }

    @Test
    void theEarliestOfTwoDeadlinesWinsAndAPassedOneHasNothingLeft() {
        Deadline near = Deadline.in(Duration.ofSeconds(1));
        Deadline far = Deadline.in(Duration.ofMinutes(10));
        Deadline past = Deadline.in(Duration.ofSeconds(-5));

        assertThat(near.earliest(far)).isSameAs(near);
        assertThat(far.earliest(near)).isSameAs(near);
        assertThat(far.remaining()).isGreaterThan(Duration.ofMinutes(9));
        assertThat(past.passed()).isTrue();
        assertThat(past.remaining()).isZero();
        assertThat(Deadline.in(Duration.ofSeconds(Long.MAX_VALUE)).passed())
                .as("no overflow")
                .isFalse();
    }
}
