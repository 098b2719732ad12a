package dev.bedrockchat.function;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a server-sent event stream as the browser's EventSource does: lines end with LF, CRLF or CR; {@code event:}
 * names the event, {@code data:} lines are joined with LF, one space after the colon is dropped, {@code :} lines are
 * comments, and a blank line dispatches the event when it has data. Shared with the system tests (the test jar).
 */
public final class Sse {
    /**
     * One event: its name ({@code message} when unnamed), its data, and when its blank line was read
     * ({@link System#nanoTime()}; for {@link #read(InputStream)}, when it arrived).
     */
    public record Event(String name, String data, long receivedAtNanos) {
        /** The data as JSON. */
        public JsonNode json() {
            return TestApp.json(data);
        }
    }

    private Sse() {}

    /**
     * The text the deltas of a stream carry: the {@code content} of every unnamed event but the {@code [DONE]}
     * marker, joined in order (events of other names, such as start, done or error, are left out).
     */
    public static String text(List<Event> events) {
        var text = new StringBuilder();
        for (Event event : events) {
            if (event.name().equals("message") && !event.data().equals("[DONE]")) {
                JsonNode content = event.json().path("content");
                if (!content.isTextual()) {
                    throw new AssertionError("A delta without text content: " + event.data());
                }
                text.append(content.asText());
            }
        }
        return text.toString();
    }

    /** The events of a whole stream. */
    public static List<Event> parse(String stream) {
        return read(new StringReader(stream));
    }

    /** Reads a stream until it ends, stamping each event as it arrives (for time-to-first-delta measures). */
    public static List<Event> read(InputStream stream) {
        return read(new InputStreamReader(stream, StandardCharsets.UTF_8));
    }

    private static List<Event> read(Reader source) {
        var events = new ArrayList<Event>();
        String name = null;
        var data = new StringBuilder();
        boolean hasData = false;
        try (var reader = new BufferedReader(source)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isEmpty()) {
                    if (hasData) {
                        events.add(new Event(name == null ? "message" : name, data.toString(), System.nanoTime()));
                    }
                    name = null;
                    data.setLength(0);
                    hasData = false;
                    continue;
                }
                int colon = line.indexOf(':');
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) {
                    value = value.substring(1);
                }
                switch (field) {
                    case "event" -> name = value.isEmpty() ? null : value;
                    case "data" -> {
                        if (hasData) {
                            data.append('\n');
                        }
                        data.append(value);
                        hasData = true;
                    }
                    default -> {
                        // a comment (empty field name), id, retry or an unknown field: not part of the event
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return events;
    }
}
