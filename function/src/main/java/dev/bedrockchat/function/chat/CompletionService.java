package dev.bedrockchat.function.chat;

import dev.bedrockchat.function.chat.InvalidCompletionException.Part;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stateless completions for programs: the caller sends the whole conversation, the model answers (whole or streamed),
 * nothing is stored, and the exchange is kept in its artifact (marked with its {@link Artifact#api()}) whether the
 * model answered or not.
 *
 * <p>The same guard rails as a chat turn: only the catalog's models, at most the configured answer length
 * (MAX_TOKENS), a temperature in Amazon Bedrock's range, the same answer deadline (ANSWER_TIMEOUT_SECONDS, or the
 * transport's own limit when that comes first), and a streamed answer begins only once the model's stream has opened.
 * An answer that stops mid-way keeps, in its artifact, the part already sent and why it stopped.
 *
 * <p>Metered like a chat turn, by the same {@link UsageMeter}: the person's daily quota is checked before the model is
 * called (429 QuotaExceeded), and every request, answered or not, is counted in the person's usage and reported in
 * the metrics line with {@code Api} {@value UsageMeter#OPENAI_API}; the artifact carries the estimated cost.
 */
public final class CompletionService {
    /** The most stop sequences one request may name (as Amazon Bedrock and the OpenAI API take). */
    public static final int MAX_STOP_SEQUENCES = 4;

    private final ChatModel model;
    private final ModelCatalog catalog;
    private final ArtifactRecorder artifacts;
    private final ChatSettings settings;
    private final int maxInputChars;
    private final Clock clock;
    private final UsageMeter meter;

    /** Completions that are not metered (no quota, no usage counters, no metrics). */
    public CompletionService(
            ChatModel model,
            ModelCatalog catalog,
            ArtifactRecorder artifacts,
            ChatSettings settings,
            int maxInputChars,
            Clock clock) {
        this(model, catalog, artifacts, settings, maxInputChars, clock, UsageMeter.unmetered(clock));
    }

    /**
     * @param maxInputChars the most characters the system instructions and messages of one request may have together
     * @param meter         checks each person's quota before the model is called, counts the answer and reports
     *                      metrics (shared with the chat API)
     */
    public CompletionService(
            ChatModel model,
            ModelCatalog catalog,
            ArtifactRecorder artifacts,
            ChatSettings settings,
            int maxInputChars,
            Clock clock,
            UsageMeter meter) {
        this.meter = meter;
        this.model = model;
        this.catalog = catalog;
        this.artifacts = artifacts;
        this.settings = settings;
        this.maxInputChars = maxInputChars;
        this.clock = clock;
    }

    public ModelCatalog catalog() {
        return catalog;
    }

    /** The longest answer a request may ask for (MAX_TOKENS), and the one it gets when it asks for none. */
    public int maxTokens() {
        return settings.maxTokens();
    }

    /**
     * Answers one completion.
     *
     * @throws InvalidCompletionException for a request that cannot be sent as it is (before anything is called)
     * @throws ChatException ModelNotAllowed for a model outside the catalog; a model error code when the model fails
     * @throws ClientDisconnectedException when the listener reports that the client went away
     */
    public CompletionResult complete(Principal principal, CompletionRequest command, CompletionListener listener) {
        return complete(principal, principal, command, listener);
    }

    /**
     * Answers one completion, counted against {@code person}'s quota and usage (the caller, or where nobody signs in
     * the client's address).
     *
     * @throws InvalidCompletionException for a request that cannot be sent as it is (before anything is called)
     * @throws ChatException ModelNotAllowed for a model outside the catalog; QuotaExceeded for a person at the quota
     *     (before the model is called); a model error code when the model fails
     * @throws ClientDisconnectedException when the listener reports that the client went away
     */
    public CompletionResult complete(
            Principal principal, Principal person, CompletionRequest command, CompletionListener listener) {
        return MeteredRequest.run(
                meter,
                command.requestId(),
                UsageMeter.OPENAI_API,
                person,
                metering -> answer(principal, command, listener, metering));
    }

    private CompletionResult answer(
            Principal principal, CompletionRequest command, CompletionListener listener, MeteredRequest metering) {
        Deadline ownLimit = Deadline.in(settings.answerTimeout());
        Deadline deadline = command.timeLimit().map(ownLimit::earliest).orElse(ownLimit);
        String modelId = catalog.resolve(Optional.of(command.modelId()));
        metering.model(modelId);
        List<ChatMessage> messages = turns(command.messages());
        checkInputLength(command.system(), messages);
        var request = new ModelRequest(
                modelId,
                command.system(),
                messages,
                maxTokens(command),
                unitInterval(command.temperature().orElse(settings.temperature()), Part.TEMPERATURE),
                deadline,
                command.topP().map(topP -> unitInterval(topP, Part.TOP_P)),
                stopSequences(command.stopSequences()));
        metering.admit();
        var progress = new AnswerProgress(request, clock.instant());
        var call = new Call(command, principal, modelId, messages.getLast().content(), progress);
        metering.progress(progress);
        try {
            ModelReply reply = callModel(request, call, listener);
            progress.replied(reply);
            return new CompletionResult(
                    modelId,
                    reply.text(),
                    reply.stopReason(),
                    reply.usage(),
                    progress.elapsedMs(),
                    progress.firstTokenMs());
        } catch (ChatException e) {
            call.error = new Artifact.Error(
                    e.code().code(),
                    e.getMessage(),
                    e.reason().map(ErrorReason::wireName).orElse(null));
            call.cutShort(partialReason(e, deadline));
            throw e;
        } catch (ClientDisconnectedException e) {
            call.error = new Artifact.Error("ClientDisconnected", e.getMessage());
            call.cutShort(PartialReason.CLIENT_DISCONNECTED);
            throw e;
        } catch (RuntimeException e) {
            call.error = new Artifact.Error(
                    ErrorCode.INTERNAL_ERROR.code(),
                    "Unexpected " + e.getClass().getSimpleName());
            call.cutShort(PartialReason.MODEL_ERROR);
            throw e;
        } finally {
            artifacts.record(call.artifact());
        }
    }

    /**
     * The one place a completion calls the model: whole, or streamed to the listener once the model's stream has
     * opened.
     */
    private ModelReply callModel(ModelRequest request, Call call, CompletionListener listener) {
        if (!call.command.streamed()) {
            call.open(listener);
            return model.converse(request);
        }
        ModelReply reply = model.converseStream(request, new DeltaListener() {
            @Override
            public void onOpen() {
                call.open(listener);
            }

            @Override
            public void onDelta(String text) {
                call.open(listener);
                call.progress.delta(text);
                listener.delta(text);
            }
        });
        call.open(listener); // an answer that never reported its opening still begins before it completes
        return reply;
    }

    /**
     * The conversation as the model takes it: blank messages left out, consecutive messages of one role joined (with
     * a blank line) into one turn, beginning and ending with the user.
     */
    private static List<ChatMessage> turns(List<ChatMessage> messages) {
        var turns = new ArrayList<ChatMessage>();
        for (ChatMessage message : messages) {
            if (message.content().isBlank()) {
                continue;
            }
            if (!turns.isEmpty() && turns.getLast().role() == message.role()) {
                ChatMessage last = turns.removeLast();
                turns.add(new ChatMessage(last.role(), last.content() + "\n\n" + message.content()));
            } else {
                turns.add(message);
            }
        }
        if (turns.isEmpty()) {
            throw new InvalidCompletionException(
                    Part.MESSAGES,
                    "the conversation has no user message with text: send at least one, such as "
                            + "[{\"role\":\"user\",\"content\":\"your question\"}]");
        }
        if (turns.getFirst().role() != ChatMessage.Role.USER) {
            throw new InvalidCompletionException(
                    Part.MESSAGES,
                    "the conversation must begin with a user message (after any system message): the model "
                            + "takes it from the user's first turn");
        }
        if (turns.getLast().role() != ChatMessage.Role.USER) {
            throw new InvalidCompletionException(
                    Part.MESSAGES,
                    "the conversation must end with a user message: the answer is the assistant's next turn "
                            + "(continuing an assistant message is not supported)");
        }
        return List.copyOf(turns);
    }

    private void checkInputLength(String system, List<ChatMessage> messages) {
        long chars = system.length()
                + messages.stream().mapToLong(m -> m.content().length()).sum();
        if (chars > maxInputChars) {
            throw new InvalidCompletionException(
                    Part.MESSAGES,
                    "the conversation has " + chars + " characters; the limit is " + maxInputChars
                            + " (MAX_MESSAGE_CHARS + HISTORY_BUDGET_CHARS): send less of the conversation");
        }
    }

    private int maxTokens(CompletionRequest command) {
        if (command.maxTokens().isEmpty()) {
            return settings.maxTokens();
        }
        int asked = command.maxTokens().getAsInt();
        if (asked < 1 || asked > settings.maxTokens()) {
            throw new InvalidCompletionException(
                    Part.MAX_TOKENS,
                    "asks for " + asked + " tokens; this deployment allows 1 to " + settings.maxTokens()
                            + " (MAX_TOKENS): ask for at most that, or leave it out for the maximum");
        }
        return asked;
    }

    private static double unitInterval(double value, Part part) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new InvalidCompletionException(
                    part, "is " + value + "; Amazon Bedrock takes 0 to 1: send a value in that range");
        }
        return value;
    }

    private static List<String> stopSequences(List<String> stops) {
        if (stops.size() > MAX_STOP_SEQUENCES) {
            throw new InvalidCompletionException(
                    Part.STOP, "has " + stops.size() + " stop sequences; send at most " + MAX_STOP_SEQUENCES);
        }
        if (stops.stream().anyMatch(String::isEmpty)) {
            throw new InvalidCompletionException(Part.STOP, "has an empty stop sequence: send only non-empty texts");
        }
        return stops;
    }

    private static PartialReason partialReason(ChatException e, Deadline deadline) {
        if (e.code() == ErrorCode.MODEL_TIMEOUT) {
            return deadline.passed() ? PartialReason.ANSWER_TIMEOUT : PartialReason.MODEL_TIMEOUT;
        }
        return PartialReason.MODEL_ERROR;
    }

    /** What is known about the running completion, for its artifact: its caller and question, and its answer. */
    private final class Call {
        final CompletionRequest command;
        final Principal principal;
        final String modelId;
        final String question;
        final AnswerProgress progress;
        boolean opened;
        PartialReason partialReason;
        Artifact.Error error;

        Call(CompletionRequest command, Principal principal, String modelId, String question, AnswerProgress progress) {
            this.command = command;
            this.principal = principal;
            this.modelId = modelId;
            this.question = question;
            this.progress = progress;
        }

        void open(CompletionListener listener) {
            if (!opened) {
                opened = true;
                listener.started(modelId);
            }
        }

        /** The answer stopped before it was complete: with some text sent, why it is partial. */
        void cutShort(PartialReason reason) {
            if (!progress.streamed().isEmpty()) {
                partialReason = reason;
            }
        }

        Artifact artifact() {
            String partialWireName = "max_tokens".equals(progress.stopReason())
                    ? PartialReason.MAX_TOKENS.wireName()
                    : partialReason == null ? null : partialReason.wireName();
            return new Artifact(
                    command.requestId(),
                    progress.startedAt().toString(),
                    settings.environmentName(),
                    model.mode(),
                    Artifact.OPENAI_API,
                    null,
                    principal,
                    modelId,
                    command.streamed(),
                    question,
                    progress.replyText(),
                    progress.stopReason(),
                    progress.usage(),
                    progress.usage() == null
                            ? null
                            : meter.cost(modelId, progress.usage()).orElse(null),
                    progress.usageEstimated(),
                    progress.elapsedMs(),
                    progress.firstTokenMs(),
                    partialWireName,
                    false,
                    null,
                    error);
        }
    }
}
