package dev.bedrockchat.function.log;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Structured logs: one JSON object per line on stdout (CloudWatch Logs in Lambda). Lines carry no message text,
 * except the artifact fallback line that keeps an exchange that could not be stored.
 */
public final class JsonLog {
    private final PrintStream out;
    private final ObjectMapper mapper;
    private final Clock clock;

    public JsonLog(PrintStream out, ObjectMapper mapper, Clock clock) {
        this.out = out;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Writes one line: {@code {"time":…,"level":…,"type":…, …fields}}.
     *
     * @param level {@code info}, {@code warn} or {@code error}
     * @param type  what the line is about, e.g. {@code request}, {@code startup}
     */
    public void write(String level, String type, Map<String, ?> fields) {
        var line = new LinkedHashMap<String, Object>();
        line.put("time", clock.instant().toString());
        line.put("level", level);
        line.put("type", type);
        fields.forEach((key, value) -> {
            if (value != null) {
                line.put(key, value);
            }
        });
        String text;
        try {
            text = mapper.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            text = "{\"level\":\"error\",\"type\":\"log_failure\",\"logType\":\"" + type + "\"}";
        }
        out.println(text);
    }

    public void info(String type, Map<String, ?> fields) {
        write("info", type, fields);
    }

    public void warn(String type, Map<String, ?> fields) {
        write("warn", type, fields);
    }

    public void error(String type, Map<String, ?> fields) {
        write("error", type, fields);
    }
}
