package dev.bedrockchat.function.server;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * JMH (the bench profile, not the tests): parsing the head of a chat request as a browser sends it, the first thing
 * every request costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RequestHeadBenchmark {
    private static final byte[] HEAD = ("POST /api/chat HTTP/1.1\r\n"
                    + "Host: localhost:8080\r\n"
                    + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36\r\n"
                    + "Accept: text/event-stream\r\n"
                    + "Accept-Language: en-GB,en;q=0.9\r\n"
                    + "Accept-Encoding: gzip, deflate, br\r\n"
                    + "Content-Type: application/json\r\n"
                    + "Content-Length: 83\r\n"
                    + "Origin: http://localhost:8080\r\n"
                    + "Referer: http://localhost:8080/\r\n"
                    + "Connection: keep-alive\r\n"
                    + "Sec-Fetch-Mode: cors\r\n"
                    + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /** A connection's input and parser, as each connection has its own. */
    @Benchmark
    public RequestHead parseChatRequestHead() throws IOException {
        var input = new ConnectionInput(new ByteArrayInputStream(HEAD), millis -> {});
        input.deadline(System.nanoTime() + TimeUnit.MINUTES.toNanos(1));
        return new RequestHeadParser(HttpLimits.DEFAULTS).read(input);
    }
}
