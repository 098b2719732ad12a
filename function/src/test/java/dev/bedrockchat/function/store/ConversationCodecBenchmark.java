package dev.bedrockchat.function.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.Conversation;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * JMH (the bench profile, not the tests): encoding and decoding a conversation document of 20 turns, which every
 * turn reads and writes once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ConversationCodecBenchmark {
    private final ConversationCodec codec = new ConversationCodec(
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false));
    private Conversation conversation;
    private byte[] document;

    @Setup
    public void conversation() {
        String id = "3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69";
        Conversation c = Conversation.start(id, Principal.ANONYMOUS, "2026-12-01T10:00:00Z");
        for (int turn = 0; turn < 20; turn++) {
            String at = "2026-12-01T10:%02d:00Z".formatted(turn);
            String turnId = "turn-" + turn;
            c = c.withTurn(
                    List.of(
                            new StoredMessage("user", "Question number " + turn + " about the weather?", at, turnId),
                            new StoredMessage(
                                    "assistant",
                                    "An answer of a few sentences, with **Markdown** and a list:\n- one\n- two\n"
                                            .repeat(3),
                                    at,
                                    turnId)),
                    at);
        }
        conversation = c;
        document = codec.write(c);
    }

    @Benchmark
    public byte[] encodeConversation() {
        return codec.write(conversation);
    }

    @Benchmark
    public ConversationCodec.Document decodeConversation() {
        return codec.decode(document);
    }
}
