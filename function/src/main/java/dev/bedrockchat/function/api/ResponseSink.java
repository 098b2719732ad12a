package dev.bedrockchat.function.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where the {@link Api} writes its answer. A transport either sends it at once (the JDK server, flushing every
 * event of a stream) or collects it into one buffered response (API Gateway proxy integration).
 */
public interface ResponseSink {

    /**
     * Sends a whole response.
     *
     * @param body the body; empty for none (a HEAD response carries its Content-Length in {@code headers})
     */
    void send(int status, Map<String, String> headers, byte[] body) throws IOException;

    /** Starts a 200 {@code text/event-stream} response; the headers are sent now. */
    EventSink startEvents(Map<String, String> headers) throws IOException;

    /** A server-sent event stream: each event is delivered (flushed) before {@link #send} returns. */
    interface EventSink {
        Pattern EVENT_NAME = Pattern.compile("[A-Za-z0-9_-]+");
        Pattern LINE_BREAK = Pattern.compile("\r\n|\r|\n");

        /**
         * @param event the event name, or null for an unnamed ({@code message}) event
         * @param data  one line of data
         */
        void send(String event, String data) throws IOException;

        void close() throws IOException;

        /**
         * One event as sent: an {@code event:} line when it is named, a {@code data:} line per line of the data (so a
         * line break in it can never end the event or start another field), a blank line.
         *
         * @throws IllegalArgumentException for an event name that is not a plain word
         */
        static byte[] format(String event, String data) {
            var text = new StringBuilder();
            if (event != null) {
                if (!EVENT_NAME.matcher(event).matches()) {
                    throw new IllegalArgumentException("An event name is letters, digits, - and _: " + event);
                }
                text.append("event: ").append(event).append('\n');
            }
            for (String line : LINE_BREAK.split(data, -1)) {
                text.append("data: ").append(line).append('\n');
            }
            return text.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        }
    }
}
