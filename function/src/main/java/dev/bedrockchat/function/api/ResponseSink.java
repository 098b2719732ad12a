package dev.bedrockchat.function.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;

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
        /**
         * @param event the event name, or null for an unnamed ({@code message}) event
         * @param data  one line of data
         */
        void send(String event, String data) throws IOException;

        void close() throws IOException;

        /** One event as sent: an {@code event:} line when it is named, the {@code data:} line, a blank line. */
        static byte[] format(String event, String data) {
            String named = event == null ? "" : "event: " + event + "\n";
            return (named + "data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8);
        }
    }
}
