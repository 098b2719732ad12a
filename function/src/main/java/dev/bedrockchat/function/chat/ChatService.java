package dev.bedrockchat.function.chat;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The chat use case, independent of any transport: validates a turn, builds the model request from the system prompt
 * and the conversation's history, calls the model (whole or streamed), stores the turn and keeps the artifact; and the
 * person's own conversations (list, read, rename, delete). Every accepted message ends up in an artifact, whether the
 * model answered or not, and whether the turn could be stored or not.
 *
 * <p>A turn names an existing conversation of its principal or none (a new one then gets an id chosen here): an
 * unknown, deleted or another person's conversation is refused before the model is called, and so is a turn whose
 * history cannot be read. Once the model has answered, the answer is given even when the turn cannot be stored (it
 * is then marked as not stored and kept in its artifact).
 *
 * <p>A streamed answer begins ({@link ChatListener#started}) only once the model's stream has opened, so that a
 * transport can still answer a failure before that point with its own status rather than inside the stream. An
 * answer that stops mid-way (the client leaves, the deadline passes, the model fails) is stored as far as it got,
 * marked partial with its {@link PartialReason}; the model later sees that partial text as the assistant's turn, as it
 * is what the person saw.
 */
public final class ChatService {
    /** How long after the answer's deadline the turn may still take to be stored. */
    public static final Duration STORAGE_GRACE = Duration.ofSeconds(3);
    /** The longest a rename or a delete may retry writes that lose a race. */
    public static final Duration OPERATION_LIMIT = Duration.ofSeconds(10);

    private final ChatModel model;
    private final ModelCatalog catalog;
    private final ConversationStore conversations;
    private final ArtifactRecorder artifacts;
    private final SystemPrompt systemPrompt;
    private final HistoryWindow historyWindow;
    private final ChatSettings settings;
    private final Clock clock;
    private final UsageMeter meter;
    private final RandomIds ids;

    /** A chat service whose requests are not metered (no quota, no usage counters, no metrics). */
    public ChatService(
            ChatModel model,
            ModelCatalog catalog,
            ConversationStore conversations,
            ArtifactRecorder artifacts,
            SystemPrompt systemPrompt,
            HistoryWindow historyWindow,
            ChatSettings settings,
            Clock clock) {
        this(
                model,
                catalog,
                conversations,
                artifacts,
                systemPrompt,
                historyWindow,
                settings,
                clock,
                UsageMeter.unmetered(clock),
                new RandomIds());
    }

    /**
     * @param meter checks each person's quota before the model is called, counts the answer and reports metrics
     * @param ids where new conversations get their ids (renewed after a SnapStart restore)
     */
    public ChatService(
            ChatModel model,
            ModelCatalog catalog,
            ConversationStore conversations,
            ArtifactRecorder artifacts,
            SystemPrompt systemPrompt,
            HistoryWindow historyWindow,
            ChatSettings settings,
            Clock clock,
            UsageMeter meter,
            RandomIds ids) {
        this.meter = meter;
        this.ids = ids;
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

    /** The meter of this service's requests (quota, usage, metrics), shared with other APIs that call models. */
    public UsageMeter meter() {
        return meter;
    }

    /**
     * Runs one turn.
     *
     * <p>The answer must be complete by its deadline: ANSWER_TIMEOUT_SECONDS from now, or the transport's own limit
     * when that comes first. Past it the model call is cancelled (ModelTimeout); a streamed answer cut off that way
     * keeps the part already sent, as when the client leaves. Storing the turn may take until the deadline plus
     * {@link #STORAGE_GRACE}.
     *
     * @throws ChatException for invalid input or an unknown conversation (before anything is called), when the
     *     conversation's history cannot be read (StorageUnavailable, before the model is called), or when the model
     *     fails
     * @throws ClientDisconnectedException when the listener reports that the client went away
     */
    public ChatResult chat(Principal principal, ChatCommand command, ChatListener listener) {
        return MeteredRequest.run(
                meter,
                command.requestId(),
                UsageMeter.CHAT_API,
                command.person().orElse(principal),
                metering -> answer(principal, command, listener, metering));
    }

    private ChatResult answer(
            Principal principal, ChatCommand command, ChatListener listener, MeteredRequest metering) {
        Deadline ownLimit = Deadline.in(settings.answerTimeout());
        Deadline deadline = command.timeLimit().map(ownLimit::earliest).orElse(ownLimit);
        String message = validMessage(command.message());
        String modelId = catalog.resolve(command.modelId());
        metering.model(modelId);
        Optional<String> requestedId = command.conversationId().map(ConversationIds::parse);
        Optional<Conversation> existing =
                requestedId.map(id -> conversations.find(principal, id).orElseThrow(ChatService::unknownConversation));
        String conversationId = requestedId.orElseGet(ids::newId);
        String title = existing.map(Conversation::title).orElseGet(() -> Titles.fromFirstMessage(message));
        List<ChatMessage> history = existing.map(Conversation::chatMessages).orElse(List.of());

        var request = new ModelRequest(
                modelId,
                systemPrompt.text(),
                historyWindow.messagesFor(history, message),
                settings.maxTokens(),
                settings.temperature(),
                deadline);
        metering.admit();
        if (existing.isEmpty()) {
            // It exists from now on, so that deleting it while this first turn runs is for good.
            conversations.create(principal, conversationId, title);
        }
        var progress = new AnswerProgress(request, clock.instant());
        var turn = new Turn(command, principal, conversationId, existing.isEmpty(), title, modelId, message, progress);
        metering.progress(progress);
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
                        progress.delta(text);
                        listener.delta(text);
                    }
                });
                turn.open(listener); // an answer that never reported its opening still begins before it completes
            } else {
                turn.open(listener);
                reply = model.converse(request);
            }
            progress.replied(reply);
            PartialReason cut = "max_tokens".equals(reply.stopReason()) ? PartialReason.MAX_TOKENS : null;
            boolean stored = store(turn, reply.text(), cut, deadline);
            ChatResult result = new ChatResult(
                    conversationId,
                    title,
                    modelId,
                    reply.text(),
                    reply.stopReason(),
                    reply.usage(),
                    progress.elapsedMs(),
                    progress.firstTokenMs(),
                    stored,
                    meter.cost(modelId, progress.usage()).orElse(null));
            listener.completed(result);
            return result;
        } catch (ChatException e) {
            turn.error = new Artifact.Error(
                    e.code().code(),
                    e.getMessage(),
                    e.reason().map(ErrorReason::wireName).orElse(null));
            keepPartialAnswer(turn, partialReason(e, deadline), deadline);
            throw e;
        } catch (ClientDisconnectedException e) {
            turn.error = new Artifact.Error("ClientDisconnected", e.getMessage());
            keepPartialAnswer(turn, PartialReason.CLIENT_DISCONNECTED, deadline);
            throw e;
        } catch (RuntimeException e) {
            turn.error = new Artifact.Error(
                    ErrorCode.INTERNAL_ERROR.code(),
                    "Unexpected " + e.getClass().getSimpleName());
            keepPartialAnswer(turn, PartialReason.MODEL_ERROR, deadline);
            throw e;
        } finally {
            discardIfNothingWasKept(turn);
            artifacts.record(turn.artifact());
        }
    }

    /**
     * A new conversation whose first turn kept nothing (the model failed before any text, the client left before any)
     * is removed again, so that it does not linger empty; best effort, its artifact keeps the exchange.
     */
    private void discardIfNothingWasKept(Turn turn) {
        if (!turn.creates || turn.saved || turn.progress.hasReply()) {
            return;
        }
        try {
            conversations.delete(turn.principal, turn.conversationId, Deadline.in(STORAGE_GRACE));
        } catch (RuntimeException e) {
            // It stays, empty; the person can delete it.
        }
    }

    /**
     * The principal's conversation, if it has one with this id.
     *
     * @throws ChatException ValidationError for an id that is not a UUID; StorageUnavailable
     */
    public Optional<Conversation> conversation(Principal principal, String conversationId) {
        return conversations.find(principal, ConversationIds.parse(conversationId));
    }

    /**
     * A page of the principal's conversations.
     *
     * @throws ChatException StorageUnavailable
     */
    public ConversationPage conversations(Principal principal, ConversationQuery query) {
        return conversations.list(principal, query);
    }

    /**
     * Gives the principal's conversation its own title.
     *
     * @return the conversation as listed; empty when the principal has no such conversation
     * @throws ChatException ValidationError for an id that is not a UUID or a title that is not 1 to 200 characters
     */
    public Optional<ConversationSummary> rename(Principal principal, String conversationId, String title) {
        String id = ConversationIds.parse(conversationId);
        String newTitle = Titles.renamed(title);
        return conversations
                .rename(principal, id, newTitle, Deadline.in(OPERATION_LIMIT))
                .map(Conversation::summary);
    }

    /**
     * Deletes the principal's conversation.
     *
     * @return whether it had one with this id (nothing is written when not)
     * @throws ChatException ValidationError for an id that is not a UUID
     */
    public boolean deleteConversation(Principal principal, String conversationId) {
        return conversations.delete(principal, ConversationIds.parse(conversationId), Deadline.in(OPERATION_LIMIT));
    }

    /** Deletes every conversation of the principal; returns how many there were. */
    public int deleteConversations(Principal principal) {
        return conversations.deleteAll(principal, Deadline.in(OPERATION_LIMIT));
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

    /** Stores an answered turn; on failure the turn is marked as not stored (its artifact keeps it). */
    private boolean store(Turn turn, String answer, PartialReason reason, Deadline deadline) {
        try {
            conversations.append(
                    turn.principal,
                    turn.conversationId,
                    turn.messages(answer, reason),
                    turn.creates,
                    deadline.plus(STORAGE_GRACE));
            turn.saved = true;
            turn.partialReason = reason;
            return true;
        } catch (ConversationDeletedException e) {
            // Deleted while this turn ran: it stays deleted; the answer still goes out and the artifact keeps it.
            turn.storeError = "ConversationDeleted";
        } catch (ChatException e) {
            turn.storeError = e.code().code();
        } catch (RuntimeException e) {
            turn.storeError = e.getClass().getSimpleName();
        }
        return false;
    }

    private static PartialReason partialReason(ChatException e, Deadline deadline) {
        if (e.code() == ErrorCode.MODEL_TIMEOUT) {
            return deadline.passed() ? PartialReason.ANSWER_TIMEOUT : PartialReason.MODEL_TIMEOUT;
        }
        return PartialReason.MODEL_ERROR;
    }

    /**
     * When a streamed answer stopped mid-way, the part already sent is stored with the question, marked partial, so
     * the pair stays whole and shows what the person saw.
     */
    private void keepPartialAnswer(Turn turn, PartialReason reason, Deadline deadline) {
        // A complete answer was already offered to the store, whatever came of it.
        String streamed = turn.progress.streamed();
        if (turn.saved || turn.progress.hasReply() || streamed.isBlank()) {
            return;
        }
        store(turn, streamed, reason, deadline);
    }

    private static ChatException unknownConversation() {
        return ChatException.notFound(
                "No such conversation: it may have been deleted; start a new one by sending a message without "
                        + "conversationId");
    }

    private String now() {
        return clock.instant().toString();
    }

    /** What is known about the running turn, for its artifact: its conversation, and how far its answer got. */
    private final class Turn {
        final ChatCommand command;
        final Principal principal;
        final String conversationId;
        final boolean creates;
        final String title;
        final String modelId;
        final String message;
        final AnswerProgress progress;
        boolean opened;
        boolean saved;
        PartialReason partialReason;
        String storeError;
        Artifact.Error error;

        Turn(
                ChatCommand command,
                Principal principal,
                String conversationId,
                boolean creates,
                String title,
                String modelId,
                String message,
                AnswerProgress progress) {
            this.command = command;
            this.principal = principal;
            this.conversationId = conversationId;
            this.creates = creates;
            this.title = title;
            this.modelId = modelId;
            this.message = message;
            this.progress = progress;
        }

        /** Tells the listener, once, that the answer has begun. */
        void open(ChatListener listener) {
            if (!opened) {
                opened = true;
                listener.started(conversationId, title, modelId);
            }
        }

        /**
         * The question (at its arrival) and the answer as stored, marked with the turn's request id; an answer that
         * stopped mid-way carries its reason.
         */
        List<StoredMessage> messages(String answer, PartialReason reason) {
            String user = ChatMessage.Role.USER.wireName();
            StoredMessage question =
                    new StoredMessage(user, message, progress.startedAt().toString(), command.requestId());
            StoredMessage reply = reason == null
                    ? new StoredMessage(ChatMessage.Role.ASSISTANT.wireName(), answer, now(), command.requestId())
                    : StoredMessage.partialAnswer(answer, now(), command.requestId(), reason);
            return List.of(question, reply);
        }

        Artifact artifact() {
            return new Artifact(
                    command.requestId(),
                    progress.startedAt().toString(),
                    settings.environmentName(),
                    model.mode(),
                    null, // the chat API
                    conversationId,
                    principal,
                    modelId,
                    command.streamed(),
                    message,
                    progress.replyText(),
                    progress.stopReason(),
                    progress.usage(),
                    meter.cost(modelId, progress.usage()).orElse(null),
                    progress.usageEstimated(),
                    progress.elapsedMs(),
                    progress.firstTokenMs(),
                    partialReason == null ? null : partialReason.wireName(),
                    saved,
                    storeError,
                    error);
        }
    }
}
