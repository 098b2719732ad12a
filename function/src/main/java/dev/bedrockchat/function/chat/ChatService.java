package dev.bedrockchat.function.chat;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The chat use case, independent of any transport: validates a turn, builds the model request from the system prompt
 * and the conversation's history, calls the model (whole or streamed), saves the turn and keeps the artifact.
 * Every accepted message ends up in an artifact, whether the model answered or not.
 *
 * <p>A streamed answer begins ({@link ChatListener#started}) only once the model's stream has opened, so that a
 * transport can still answer a failure before that point with its own status rather than inside the stream.
 */
public final class ChatService {
    private final ChatModel model;
    private final ModelCatalog catalog;
    private final ConversationStore conversations;
    private final ArtifactRecorder artifacts;
    private final SystemPrompt systemPrompt;
    private final HistoryWindow historyWindow;
    private final ChatSettings settings;
    private final Clock clock;

    public ChatService(
            ChatModel model,
            ModelCatalog catalog,
            ConversationStore conversations,
            ArtifactRecorder artifacts,
            SystemPrompt systemPrompt,
            HistoryWindow historyWindow,
            ChatSettings settings,
            Clock clock) {
        this.model = model;
        this.catalog = catalog;
        this.conversations = conversations;
        this.artifacts = artifacts;
        this.systemPrompt = systemPrompt;
        this.historyWindow = historyWindow;
        this.settings = settings;
        this.clock = clock;
    }

    public String mode() {
        return model.mode();
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /**
     * Runs one turn.
     *
     * <p>The answer must be complete by its deadline: ANSWER_TIMEOUT_SECONDS from now, or the transport's own limit
     * when that comes first. Past it the model call is cancelled (ModelTimeout); a streamed answer cut off that way
     * keeps the part already sent, as when the client leaves.
     *
     * @throws ChatException for invalid input (before anything is called) or when the model or storage fails
     * @throws ClientDisconnectedException when the listener reports that the client went away
     */
    public ChatResult chat(Principal principal, ChatCommand command, ChatListener listener) {
        Deadline ownLimit = Deadline.in(settings.answerTimeout());
        Deadline deadline = command.timeLimit().map(ownLimit::earliest).orElse(ownLimit);
        String message = validMessage(command.message());
        String modelId = catalog.resolve(command.modelId());
        Optional<String> requestedId = command.conversationId().map(ConversationIds::parse);
        String conversationId = requestedId.orElseGet(ConversationIds::newId);
        List<ChatMessage> history = requestedId
                .flatMap(conversations::find)
                .map(conversation -> {
                    if (!conversation.isOwnedBy(principal)) {
                        throw unknownConversation();
                    }
                    return conversation.chatMessages();
                })
                .orElse(List.of());

        var request = new ModelRequest(
                modelId,
                systemPrompt.text(),
                historyWindow.messagesFor(history, message),
                settings.maxTokens(),
                settings.temperature(),
                deadline);
        var turn = new Turn(command, principal, conversationId, modelId, message, clock.instant(), System.nanoTime());
        try {
            listener.accepted(conversationId, modelId);
            ModelReply reply;
            if (command.streamed()) {
                reply = model.converseStream(request, new DeltaListener() {
                    @Override
                    public void onOpen() {
                        turn.open(listener);
                    }

                    @Override
                    public void onDelta(String text) {
                        turn.open(listener);
                        turn.delta(text);
                        listener.delta(text);
                    }
                });
                turn.open(listener); // an answer that never reported its opening still begins before it completes
            } else {
                turn.open(listener);
                reply = model.converse(request);
            }
            turn.reply = reply;
            ChatResult result = new ChatResult(
                    conversationId,
                    modelId,
                    reply.text(),
                    reply.stopReason(),
                    reply.usage(),
                    turn.elapsedMs(),
                    turn.firstTokenMs);
            try {
                conversations.append(conversationId, principal, turn.messages(reply.text()));
            } catch (ConversationDeletedException e) {
                // Deleted while this turn ran: it stays deleted; the answer still goes out and the artifact keeps it.
            }
            turn.saved = true;
            listener.completed(result);
            return result;
        } catch (ChatException e) {
            turn.error = new Artifact.Error(
                    e.code().code(),
                    e.getMessage(),
                    e.reason().map(ErrorReason::wireName).orElse(null));
            if (e.code() == ErrorCode.MODEL_TIMEOUT && deadline.passed()) {
                // Cut off by the answer's deadline: what was streamed so far stays, as when the client leaves.
                keepPartialAnswer(turn);
            }
            throw e;
        } catch (ClientDisconnectedException e) {
            turn.error = new Artifact.Error("ClientDisconnected", e.getMessage());
            keepPartialAnswer(turn);
            throw e;
        } catch (RuntimeException e) {
            turn.error = new Artifact.Error(
                    ErrorCode.INTERNAL_ERROR.code(),
                    "Unexpected " + e.getClass().getSimpleName());
            throw e;
        } finally {
            artifacts.record(turn.artifact());
        }
    }

    /**
     * The conversation, if it exists and belongs to the principal.
     *
     * @throws ChatException ValidationError for an id that is not a UUID
     */
    public Optional<Conversation> conversation(Principal principal, String conversationId) {
        return conversations.find(ConversationIds.parse(conversationId)).filter(c -> c.isOwnedBy(principal));
    }

    /**
     * Deletes the principal's conversation; deleting a conversation that does not exist is not an error.
     *
     * @throws ChatException ValidationError for an id that is not a UUID, NotFound for another principal's
     */
    public void deleteConversation(Principal principal, String conversationId) {
        String id = ConversationIds.parse(conversationId);
        Optional<Conversation> existing = conversations.find(id);
        if (existing.isPresent() && !existing.get().isOwnedBy(principal)) {
            throw unknownConversation();
        }
        conversations.delete(id);
    }

    private String validMessage(String message) {
        if (message == null || message.isBlank()) {
            throw ChatException.validation("message is required: send {\"message\":\"your question\"}");
        }
        int length = message.codePointCount(0, message.length());
        if (length > settings.maxMessageChars()) {
            throw ChatException.validation("message is " + length + " characters long; the limit is "
                    + settings.maxMessageChars() + " (MAX_MESSAGE_CHARS): shorten it or split it into several turns");
        }
        return message;
    }

    /**
     * When the answer stopped mid-way (the client left, or its deadline passed), the part already streamed is saved
     * with the question, so the pair stays whole.
     */
    private void keepPartialAnswer(Turn turn) {
        if (turn.saved || turn.partial.isEmpty() || turn.partial.toString().isBlank()) {
            return;
        }
        try {
            conversations.append(turn.conversationId, turn.principal, turn.messages(turn.partial.toString()));
            turn.saved = true;
        } catch (RuntimeException e) {
            // The artifact still keeps the exchange.
        }
    }

    private static ChatException unknownConversation() {
        return ChatException.notFound(
                "No such conversation: start a new one by sending a message without " + "conversationId");
    }

    private String now() {
        return clock.instant().toString();
    }

    /** What is known about the running turn, for its artifact. */
    private final class Turn {
        final ChatCommand command;
        final Principal principal;
        final String conversationId;
        final String modelId;
        final String message;
        final Instant startedAt;
        final long startNanos;
        final StringBuilder partial = new StringBuilder();
        Long firstTokenMs;
        boolean opened;
        ModelReply reply;
        boolean saved;
        Artifact.Error error;

        Turn(
                ChatCommand command,
                Principal principal,
                String conversationId,
                String modelId,
                String message,
                Instant startedAt,
                long startNanos) {
            this.command = command;
            this.principal = principal;
            this.conversationId = conversationId;
            this.modelId = modelId;
            this.message = message;
            this.startedAt = startedAt;
            this.startNanos = startNanos;
        }

        /** Tells the listener, once, that the answer has begun. */
        void open(ChatListener listener) {
            if (!opened) {
                opened = true;
                listener.started(conversationId, modelId);
            }
        }

        void delta(String text) {
            if (firstTokenMs == null) {
                firstTokenMs = elapsedMs();
            }
            partial.append(text);
        }

        /** The question and the answer as stored, marked with the turn's request id. */
        List<StoredMessage> messages(String answer) {
            return List.of(
                    new StoredMessage(
                            ChatMessage.Role.USER.wireName(), message, startedAt.toString(), command.requestId()),
                    new StoredMessage(ChatMessage.Role.ASSISTANT.wireName(), answer, now(), command.requestId()));
        }

        long elapsedMs() {
            return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
        }

        Artifact artifact() {
            String replyText = reply != null ? reply.text() : partial.isEmpty() ? null : partial.toString();
            return new Artifact(
                    command.requestId(),
                    startedAt.toString(),
                    settings.environmentName(),
                    model.mode(),
                    conversationId,
                    principal,
                    modelId,
                    command.streamed(),
                    message,
                    replyText,
                    reply == null ? null : reply.stopReason(),
                    reply == null ? null : reply.usage(),
                    elapsedMs(),
                    firstTokenMs,
                    error);
        }
    }
}
