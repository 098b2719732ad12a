package dev.bedrockchat.function.store;

import dev.bedrockchat.function.chat.PartialReason;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Turns for the store tests: a question and its answer, marked with a fresh request id as the service marks them. */
final class Turns {
    private Turns() {}

    static List<StoredMessage> turn(String question) {
        return turnAt(question, Instant.now());
    }

    /** A turn that arrived at {@code arrival} (its question's time), answered a moment later. */
    static List<StoredMessage> turnAt(String question, Instant arrival) {
        String requestId = UUID.randomUUID().toString();
        return List.of(
                new StoredMessage("user", question, arrival.toString(), requestId),
                new StoredMessage(
                        "assistant", "re: " + question, arrival.plusMillis(1).toString(), requestId));
    }

    /** A turn whose answer stopped mid-way. */
    static List<StoredMessage> partialTurn(String question, PartialReason reason) {
        String requestId = UUID.randomUUID().toString();
        String now = Instant.now().toString();
        return List.of(
                new StoredMessage("user", question, now, requestId),
                StoredMessage.partialAnswer("half an answ", now, requestId, reason));
    }

    /** A principal of its own for one test, so that tests sharing a bucket do not see each other's conversations. */
    static Principal person() {
        return new Principal("oidc", UUID.randomUUID().toString());
    }
}
