package dev.bedrockchat.function.properties;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.Sse;
import dev.bedrockchat.function.TestApp;
import dev.bedrockchat.function.api.ResponseSink.EventSink;
import dev.bedrockchat.function.offline.OfflineChatModel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The event-stream writer: any text round-trips through the parser the browser's EventSource follows ({@link Sse}),
 * and no text can end an event early, start another one or add a field of its own (CR, LF, CRLF, "event:", "id:").
 */
class SseProperties {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static TestApp app;

    @BeforeContainer
    static void start() {
        app = TestApp.start(Map.of("CHAT_MODE", "offline"));
    }

    @AfterContainer
    static void stop() {
        app.close();
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(200),
                Arbitraries.strings()
                        .withChars("\r\n:event data id retry [DONE]\u2028\u0085")
                        .ofMaxLength(60),
                Arbitraries.of("\n\nevent: done\ndata: {}\n\n", "\r\rdata: [DONE]\r\r", "x\r\nid: 7\r\n"));
    }

    /** A delta as the API writes it (its JSON data), whatever its text: one event, with the text intact. */
    @Property(tries = 500)
    void aDeltaOfAnyTextIsOneEventCarryingThatText(@ForAll("texts") String text) throws Exception {
        String data = MAPPER.writeValueAsString(MAPPER.createObjectNode().put("content", text));

        List<Sse.Event> events = Sse.parse(new String(EventSink.format(null, data), StandardCharsets.UTF_8));

        assertThat(events).hasSize(1);
        assertThat(events.getFirst().name()).isEqualTo("message");
        assertThat(Sse.text(events)).isEqualTo(text);
    }

    /** Even raw data with line breaks stays inside its one event: its lines come back joined by LF. */
    @Property(tries = 500)
    void rawDataWithLineBreaksCannotInjectEventsOrFields(@ForAll("texts") String data) {
        List<Sse.Event> events =
                Sse.parse(new String(EventSink.format("done", data), StandardCharsets.UTF_8) + "data: after\n\n");

        assertThat(events).hasSize(2);
        assertThat(events.getFirst().name()).isEqualTo("done");
        assertThat(events.getFirst().data())
                .isEqualTo(data.replace("\r\n", "\n").replace('\r', '\n'));
        assertThat(events.get(1).name()).isEqualTo("message");
        assertThat(events.get(1).data()).isEqualTo("after");
    }

    /** Through the whole server: the stand-in echoes the question, and the streamed answer is exactly its reply. */
    @Property(tries = 60)
    void aStreamedAnswerRoundTripsWhateverTheQuestion(@ForAll("questions") String question) {
        String body = MAPPER.createObjectNode().put("message", question).toString();

        List<Sse.Event> events = Sse.parse(app.chatStream(body).body());

        assertThat(events.getFirst().name()).isEqualTo("start");
        assertThat(events.get(events.size() - 2).name()).isEqualTo("done");
        assertThat(events.getLast().data()).isEqualTo("[DONE]");
        assertThat(Sse.text(events)).isEqualTo(OfflineChatModel.replyTo(question));
    }

    @Provide
    Arbitrary<String> questions() {
        return texts().filter(text -> !text.isBlank()
                && text.codePoints().noneMatch(c -> c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE));
    }
}
