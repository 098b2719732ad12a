package dev.bedrockchat.function.chat;

import java.util.Optional;

/**
 * One chat request as the transport received it, before validation.
 *
 * @param requestId      the request's id (logs, artifacts, error envelopes)
 * @param message        the user's message
 * @param conversationId an existing conversation of the caller; empty starts a new conversation (with an id the
 *                       service chooses)
 * @param modelId        the model asked for; empty means the default model
 * @param streamed       whether the answer is streamed (ConverseStream) or returned whole (Converse)
 * @param timeLimit      a limit the transport sets on the answer (the time left in a Lambda invocation), on top of the
 *                       service's own answer timeout; empty for none
 * @param person         whose quota the turn counts against, when that is not the principal that owns the
 *                       conversation (where nobody signs in: the client's address); empty for the owner
 */
public record ChatCommand(
        String requestId,
        String message,
        Optional<String> conversationId,
        Optional<String> modelId,
        boolean streamed,
        Optional<Deadline> timeLimit,
        Optional<Principal> person) {

    /** A command metered as its owner's. */
    public ChatCommand(
            String requestId,
            String message,
            Optional<String> conversationId,
            Optional<String> modelId,
            boolean streamed,
            Optional<Deadline> timeLimit) {
        this(requestId, message, conversationId, modelId, streamed, timeLimit, Optional.empty());
    }

    /** A command without a limit of its transport. */
    public ChatCommand(
            String requestId,
            String message,
            Optional<String> conversationId,
            Optional<String> modelId,
            boolean streamed) {
        this(requestId, message, conversationId, modelId, streamed, Optional.empty(), Optional.empty());
    }
}
