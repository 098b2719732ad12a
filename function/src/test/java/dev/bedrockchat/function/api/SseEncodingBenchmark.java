package dev.bedrockchat.function.api;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JMH (the bench profile, not the tests): what each streamed delta costs between the model and the socket (its JSON
 * data, then the event's bytes), and reading a chat request's JSON body.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseEncodingBenchmark {
    private static final byte[] CHAT_BODY =
            "{\"message\":\"What is the capital of France, and why?\",\"conversationId\":\"3f1c2a9e-8b7d-4c6e-9a5f-1e2d3c4b5a69\"}"
                    .getBytes(StandardCharsets.UTF_8);

    private final ObjectMapper mapper =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private final ResponseBodies bodies = new ResponseBodies(mapper);

    @Benchmark
    public byte[] encodeDeltaEvent() throws IOException {
        String data = mapper.writeValueAsString(bodies.streamDelta("The capital of France is Paris, "));
        return ResponseSink.EventSink.format(null, data);
    }

    @Benchmark
    public JsonNode parseChatRequestBody() throws IOException {
        var request = new ApiRequest(
                "POST",
                "/api/chat",
                "",
                Map.of(
                        "Content-Type", List.of("application/json"),
                        "Content-Length", List.of(Integer.toString(CHAT_BODY.length))),
                new ByteArrayInputStream(CHAT_BODY),
                Optional.empty(),
                Optional.empty(),
                GatewayContext.NONE);
        return RequestBodies.jsonObject(request, mapper, Api.MAX_BODY_BYTES, "{\"message\":\"...\"}");
    }
}
