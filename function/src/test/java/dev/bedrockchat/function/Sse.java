package dev.bedrockchat.function;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Parses a server-sent event stream as the browser's EventSource would (event name + data lines). */
public final class Sse {
    /** One event: its name ({@code message} when unnamed) and its data. */
    public record Event(String name, String data) {}

    private Sse() {}

    /**
     * The text the deltas of a stream carry: the {@code content} of every unnamed event but the {@code [DONE]}
     * marker, joined in order (events of other names, such as start, done or error, are left out).
     */
    public static String text(List<Event> events) {
        var text = new StringBuilder();
        for (Event event : events) {
            if (event.name().equals("message") && !event.data().equals("[DONE]")) {
                JsonNode content = TestApp.json(event.data()).path("content");
                if (!content.isTextual()) {
                    throw new AssertionError("A delta without text content: " + event.data());
                }
                text.append(content.asText());
            }
        }
        return text.toString();
    }

    public static List<Event> parse(String stream) {
        var events = new ArrayList<Event>();
        String name = null;
        var data = new StringBuilder();
        for (String line : stream.split("\n", -1)) {
            if (line.isEmpty()) {
                if (!data.isEmpty()) {
                    events.add(new Event(name == null ? "message" : name, data.toString()));
                }
                name = null;
                data.setLength(0);
            } else if (line.startsWith("event:")) {
                name = line.substring(6).trim();
            } else if (line.startsWith("data:")) {
                if (!data.isEmpty()) {
                    data.append('\n');
                }
                data.append(line.substring(5).stripLeading());
            }
        }
        return events;
    }
}
