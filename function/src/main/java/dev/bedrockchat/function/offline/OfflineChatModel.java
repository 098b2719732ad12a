package dev.bedrockchat.function.offline;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.chat.ChatMessage;
import dev.bedrockchat.function.chat.ChatModel;
import dev.bedrockchat.function.chat.DeltaListener;
import dev.bedrockchat.function.chat.ModelReply;
import dev.bedrockchat.function.chat.ModelRequest;
import dev.bedrockchat.function.chat.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The local stand-in for Amazon Bedrock, used when no AWS credentials are available or {@code CHAT_MODE=offline}.
 * It calls no model: it answers with a fixed text that says so and echoes the question, streamed word by word so that
 * the page behaves as with a real model.
 */
public final class OfflineChatModel implements ChatModel {
    private final Duration deltaDelay;

    public OfflineChatModel(Duration deltaDelay) {
        this.deltaDelay = deltaDelay;
    }

    @Override
    public String mode() {
        return "offline";
    }

    /** The stand-in's answer to a question: deterministic, and clearly not from a model. */
    public static String replyTo(String question) {
        return "**Offline stand-in, not Amazon Bedrock.** You asked: \"" + question.strip() + "\"\n\n"
                + "This answer comes from the local stand-in; no model was called. Set CHAT_MODE=bedrock and "
                + "provide AWS credentials to chat with a model on Amazon Bedrock.";
    }

    @Override
    public ModelReply converse(ModelRequest request) {
        Answer answer = answer(request);
        return new ModelReply(String.join("", answer.pieces()), answer.stopReason(), usage(request, answer));
    }

    @Override
    public ModelReply converseStream(ModelRequest request, DeltaListener listener) {
        Answer answer = answer(request);
        listener.onOpen(); // nothing can fail here: the answer begins at once
        for (String piece : answer.pieces()) {
            if (request.deadline().passed()) {
                throw ChatException.answerTimeout(request.modelId());
            }
            listener.onDelta(piece);
            pause();
        }
        return new ModelReply(String.join("", answer.pieces()), answer.stopReason(), usage(request, answer));
    }

    /** The stand-in's answer, cut at the request's first stop sequence as a model's would be. */
    private record Answer(List<String> pieces, String stopReason) {}

    private static Answer answer(ModelRequest request) {
        String reply = replyTo(request.question());
        String stopReason = "end_turn";
        int cut = reply.length();
        for (String stop : request.stopSequences()) {
            int at = reply.indexOf(stop);
            if (at >= 0 && at < cut) {
                cut = at;
                stopReason = "stop_sequence";
            }
        }
        return new Answer(pieces(reply.substring(0, cut)), stopReason);
    }

    /** The reply cut after each space, so the pieces join back to the reply. */
    static List<String> pieces(String reply) {
        var pieces = new ArrayList<String>();
        int start = 0;
        for (int i = 0; i < reply.length(); i++) {
            if (reply.charAt(i) == ' ') {
                pieces.add(reply.substring(start, i + 1));
                start = i + 1;
            }
        }
        if (start < reply.length()) {
            pieces.add(reply.substring(start));
        }
        return pieces;
    }

    /** A rough count in the spirit of a tokenizer: about four characters of input per token. */
    private static Usage usage(ModelRequest request, Answer answer) {
        int outputPieces = answer.pieces().size();
        long chars = request.systemPrompt().length()
                + request.messages().stream()
                        .map(ChatMessage::content)
                        .mapToLong(String::length)
                        .sum();
        return new Usage((int) Math.max(1, (chars + 3) / 4), outputPieces);
    }

    private void pause() {
        if (deltaDelay.isZero()) {
            return;
        }
        try {
            Thread.sleep(deltaDelay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
