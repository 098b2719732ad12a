package dev.bedrockchat.function.store;

import dev.bedrockchat.function.chat.StoredMessage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Turns for the store tests: a question and its answer, marked with a fresh request id as the service marks them. */
final class Turns {
    private Turns() {}

    static List<StoredMessage> turn(String question) {
        String now = Instant.now().toString();
        String requestId = UUID.randomUUID().toString();
        return List.of(
                new StoredMessage("user", question, now, requestId),
                new StoredMessage("assistant", "re: " + question, now, requestId));
    }
}
