package dev.bedrockchat.function.bedrock;

import dev.bedrockchat.function.aws.InBackground;
import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.ChatModel;
import dev.bedrockchat.function.chat.ClientDisconnectedException;
import dev.bedrockchat.function.chat.Deadline;
import dev.bedrockchat.function.chat.DeltaListener;
import dev.bedrockchat.function.chat.ErrorCode;
import dev.bedrockchat.function.chat.ModelReply;
import dev.bedrockchat.function.chat.ModelRequest;
import dev.bedrockchat.function.chat.Usage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.bedrockruntime.model.ContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.ConversationRole;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseResponse;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamOutput;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamRequest;
import software.amazon.awssdk.services.bedrockruntime.model.ConverseStreamResponseHandler;
import software.amazon.awssdk.services.bedrockruntime.model.InferenceConfiguration;
import software.amazon.awssdk.services.bedrockruntime.model.Message;
import software.amazon.awssdk.services.bedrockruntime.model.SystemContentBlock;
import software.amazon.awssdk.services.bedrockruntime.model.TokenUsage;

/**
 * The model port on Amazon Bedrock: Converse for whole answers, ConverseStream for streamed ones.
 *
 * <p>A streamed answer is handed from the SDK's event loop to the request's thread through a queue, so that the
 * transport writes each delta on its own thread as soon as it arrives, and so that a stream which goes quiet for
 * longer than the idle timeout, or is not complete by the answer's deadline, is cancelled (ModelTimeout) instead of
 * holding the request forever. A whole answer's call is bounded by the model timeout and by the deadline.
 *
 * <p>The listener hears that the stream opened when the ConverseStream response arrives (the first delta, should
 * that come first, counts as the opening too), so any failure before it (throttling after the SDK's retries, access,
 * validation, a timeout) is known to have happened before the model answered at all, and a failure after it is told
 * as one mid-answer (a connection that broke, a stream that went quiet).
 *
 * <p>At most {@link ModelCallLimit#size()} calls are in flight at once, the size of the HTTP clients' connection
 * pools: a call beyond it waits a bounded time for a free slot and is otherwise refused with ModelBusy.
 */
public final class BedrockChatModel implements ChatModel {
    private final InBackground<BedrockRuntimeClient> client;
    private final InBackground<BedrockRuntimeAsyncClient> streamingClient;
    private final String region;
    private final Duration modelTimeout;
    private final ModelCallLimit limit;

    /**
     * @param client          the Converse client, asked for at each call (it may still be being built when the first
     *                        call comes: the call then waits for it, as long as its deadline allows)
     * @param streamingClient the ConverseStream client, the same way
     * @param modelTimeout MODEL_TIMEOUT_SECONDS: the bound of a whole answer's call (also set on {@code client}) and
     *                     the longest wait for the first or the next event of a stream
     * @param limit        how many calls may be in flight at once (the clients' connection pools are as large)
     */
    public BedrockChatModel(
            InBackground<BedrockRuntimeClient> client,
            InBackground<BedrockRuntimeAsyncClient> streamingClient,
            String region,
            Duration modelTimeout,
            ModelCallLimit limit) {
        this.client = client;
        this.streamingClient = streamingClient;
        this.region = region;
        this.modelTimeout = modelTimeout;
        this.limit = limit;
    }

    @Override
    public String mode() {
        return "bedrock";
    }

    @Override
    public ModelReply converse(ModelRequest request) {
        try (ModelCallLimit.Slot slot = limit.acquire(request.modelId(), request.deadline())) {
            return converseNow(request);
        }
    }

    private ModelReply converseNow(ModelRequest request) {
        Duration left = request.deadline().remaining();
        if (left.isZero()) {
            throw ChatException.answerTimeout(request.modelId());
        }
        // The client bounds every call by the model timeout; a nearer deadline shortens this one.
        boolean deadlineFirst = left.compareTo(modelTimeout) < 0;
        var call = ConverseRequest.builder()
                .modelId(request.modelId())
                .system(system(request))
                .messages(messages(request))
                .inferenceConfig(inference(request));
        if (deadlineFirst) {
            call.overrideConfiguration(override -> override.apiCallTimeout(left));
        }
        BedrockRuntimeClient built = built(client, request);
        ConverseResponse response;
        try {
            response = built.converse(call.build());
        } catch (RuntimeException e) {
            ChatException failure = BedrockErrors.translate(e, request.modelId(), region);
            if (deadlineFirst
                    && failure.code() == ErrorCode.MODEL_TIMEOUT
                    && request.deadline().passed()) {
                throw ChatException.answerTimeout(request.modelId(), e);
            }
            throw failure;
        }
        var text = new StringBuilder();
        if (response.output() != null && response.output().message() != null) {
            for (ContentBlock block : response.output().message().content()) {
                if (block.text() != null) {
                    text.append(block.text());
                }
            }
        }
        return new ModelReply(text.toString(), response.stopReasonAsString(), usage(response.usage()));
    }

    /** The client once it is built, waited for no longer than the request may wait. */
    private static <C> C built(InBackground<C> pending, ModelRequest request) {
        try {
            return pending.get(request.deadline().remaining())
                    .orElseThrow(() -> ChatException.answerTimeout(request.modelId()));
        } catch (IllegalStateException e) {
            throw BedrockErrors.clientNotBuilt(e);
        }
    }

    @Override
    public ModelReply converseStream(ModelRequest request, DeltaListener listener) {
        ModelCallLimit.Slot slot = limit.acquire(request.modelId(), request.deadline());
        try {
            return converseStreamNow(request, listener, slot);
        } catch (RuntimeException | Error e) {
            slot.close();
            throw e;
        }
    }

    /**
     * @param slot freed when the call's HTTP exchange has ended (which may be a moment after the answer is whole:
     *     the connection it holds is not free before), or at once when the call fails
     */
    private ModelReply converseStreamNow(ModelRequest request, DeltaListener listener, ModelCallLimit.Slot slot) {
        var events = new LinkedBlockingQueue<StreamItem>();
        var subscription = new AtomicReference<Subscription>();
        ConverseStreamResponseHandler handler = ConverseStreamResponseHandler.builder()
                .onResponse(response -> events.add(new StreamItem.Opened()))
                .onEventStream(publisher -> publisher.subscribe(new QueueingSubscriber(events, subscription)))
                // No onError: the SDK calls it for every failed attempt, also those it is about to retry. The call's
                // future below fails once, after the retries, and the subscriber reports failures inside the stream.
                .build();
        CompletableFuture<Void> call;
        try {
            call = built(streamingClient, request).converseStream(streamRequest(request), handler);
        } catch (RuntimeException e) {
            throw BedrockErrors.translate(e, request.modelId(), region);
        }
        // The end of a good stream is signalled by the subscriber (after its last event); the call's future only
        // adds failures, e.g. an error response before the stream opened, once the SDK's retries are spent.
        call.whenComplete((ignored, error) -> {
            slot.close();
            if (error != null) {
                events.add(new StreamItem.Failed(error));
            }
        });
        var opened = new AtomicBoolean();
        try {
            return drain(events, listener, request.modelId(), request.deadline(), opened);
        } catch (ChatException | ClientDisconnectedException e) {
            cancel(call, subscription);
            throw e;
        } catch (InterruptedException e) {
            cancel(call, subscription);
            Thread.currentThread().interrupt();
            throw BedrockErrors.translate(new TimeoutException("interrupted"), request.modelId(), region, opened.get());
        } catch (RuntimeException e) {
            cancel(call, subscription);
            throw BedrockErrors.translate(e, request.modelId(), region, opened.get());
        }
    }

    /**
     * Hands the stream's events to the listener until it ends.
     *
     * @param opened set once the stream has opened (a failure after it happened mid-answer)
     */
    private ModelReply drain(
            BlockingQueue<StreamItem> events,
            DeltaListener listener,
            String modelId,
            Deadline deadline,
            AtomicBoolean opened)
            throws InterruptedException {
        var text = new StringBuilder();
        String stopReason = null;
        Usage usage = Usage.NONE;
        while (true) {
            // Checked before every event too, as a steady stream never leaves the queue empty.
            Duration left = deadline.remaining();
            if (left.isZero()) {
                throw ChatException.answerTimeout(modelId);
            }
            boolean deadlineFirst = left.compareTo(modelTimeout) < 0;
            StreamItem item =
                    events.poll(deadlineFirst ? left.toNanos() : modelTimeout.toNanos(), TimeUnit.NANOSECONDS);
            switch (item) {
                case null -> {
                    if (deadlineFirst) {
                        throw ChatException.answerTimeout(modelId);
                    }
                    throw BedrockErrors.translate(
                            new TimeoutException("no event for " + modelTimeout), modelId, region, opened.get());
                }
                case StreamItem.Opened ignored -> {
                    opened.set(true);
                    listener.onOpen();
                }
                case StreamItem.Delta delta -> {
                    opened.set(true);
                    text.append(delta.text());
                    listener.onDelta(delta.text());
                }
                case StreamItem.Stopped stopped -> stopReason = stopped.stopReason();
                case StreamItem.Metadata metadata -> {
                    usage = metadata.usage();
                    if (stopReason != null) {
                        // ConverseStream's last event, after messageStop: the answer is whole. The response itself
                        // ends a moment later; the subscriber goes on reading it to its end, which frees the
                        // connection, but the turn need not wait for that.
                        return new ModelReply(text.toString(), stopReason, usage);
                    }
                }
                case StreamItem.Failed failed ->
                    throw BedrockErrors.translate(failed.error(), modelId, region, opened.get());
                case StreamItem.Ended ended -> {
                    return new ModelReply(text.toString(), stopReason == null ? "end_turn" : stopReason, usage);
                }
            }
        }
    }

    /**
     * Stops a stream. Cancelling the event stream's subscription is what ends the HTTP exchange: the cancel reaches
     * the CRT client's body publisher, which then refuses the next bytes and cancels the HTTP stream, closing its
     * HTTP/1.1 connection (or resetting the HTTP/2 stream) so that the model stops answering.
     */
    private static void cancel(CompletableFuture<Void> call, AtomicReference<Subscription> subscription) {
        Subscription current = subscription.get();
        if (current != null) {
            current.cancel();
        }
        call.cancel(true);
    }

    /**
     * The ConverseStream request of a turn. Public for the SnapStart priming, which builds one (and calls nothing) so
     * that the snapshot holds the SDK's request classes loaded and initialised.
     */
    public static ConverseStreamRequest streamRequest(ModelRequest request) {
        return ConverseStreamRequest.builder()
                .modelId(request.modelId())
                .system(system(request))
                .messages(messages(request))
                .inferenceConfig(inference(request))
                .build();
    }

    private static List<SystemContentBlock> system(ModelRequest request) {
        return request.systemPrompt().isBlank()
                ? List.of()
                : List.of(SystemContentBlock.fromText(request.systemPrompt()));
    }

    private static List<Message> messages(ModelRequest request) {
        return request.messages().stream()
                .map(message -> Message.builder()
                        .role(
                                message.role() == ChatMessage.Role.USER
                                        ? ConversationRole.USER
                                        : ConversationRole.ASSISTANT)
                        .content(ContentBlock.fromText(message.content()))
                        .build())
                .toList();
    }

    private static InferenceConfiguration inference(ModelRequest request) {
        var inference = InferenceConfiguration.builder()
                .maxTokens(request.maxTokens())
                .temperature((float) request.temperature());
        request.topP().ifPresent(topP -> inference.topP(topP.floatValue()));
        if (!request.stopSequences().isEmpty()) {
            inference.stopSequences(request.stopSequences());
        }
        return inference.build();
    }

    private static Usage usage(TokenUsage usage) {
        if (usage == null) {
            return Usage.NONE;
        }
        // The prompt-cache counts only when the model reports them (a model without a prompt cache leaves them out).
        return new Usage(
                usage.inputTokens() == null ? 0 : usage.inputTokens(),
                usage.outputTokens() == null ? 0 : usage.outputTokens(),
                usage.cacheReadInputTokens(),
                usage.cacheWriteInputTokens());
    }

    /** Events of a stream, handed from the SDK's threads to the request's thread. */
    private sealed interface StreamItem {
        /** The ConverseStream response arrived: Bedrock accepted the call and the event stream follows. */
        record Opened() implements StreamItem {}

        record Delta(String text) implements StreamItem {}

        record Stopped(String stopReason) implements StreamItem {}

        record Metadata(Usage usage) implements StreamItem {}

        record Failed(Throwable error) implements StreamItem {}

        record Ended() implements StreamItem {}
    }

    private static final class QueueingSubscriber implements Subscriber<ConverseStreamOutput> {
        private final BlockingQueue<StreamItem> events;
        private final AtomicReference<Subscription> subscription;
        private final ConverseStreamResponseHandler.Visitor visitor;

        QueueingSubscriber(BlockingQueue<StreamItem> events, AtomicReference<Subscription> subscription) {
            this.events = events;
            this.subscription = subscription;
            this.visitor = ConverseStreamResponseHandler.Visitor.builder()
                    .onContentBlockDelta(event -> {
                        if (event.delta() != null
                                && event.delta().text() != null
                                && !event.delta().text().isEmpty()) {
                            events.add(new StreamItem.Delta(event.delta().text()));
                        }
                    })
                    .onMessageStop(event -> events.add(new StreamItem.Stopped(event.stopReasonAsString())))
                    .onMetadata(event -> events.add(new StreamItem.Metadata(usage(event.usage()))))
                    .build();
        }

        @Override
        public void onSubscribe(Subscription s) {
            subscription.set(s);
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ConverseStreamOutput event) {
            event.accept(visitor);
        }

        @Override
        public void onError(Throwable error) {
            events.add(new StreamItem.Failed(error));
        }

        @Override
        public void onComplete() {
            events.add(new StreamItem.Ended());
        }
    }
}
