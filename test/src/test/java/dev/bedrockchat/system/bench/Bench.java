package dev.bedrockchat.system.bench;

import dev.bedrockchat.function.Sse;
import dev.bedrockchat.system.support.CdkCli;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.StubbedChat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The project's benchmark: sizes of what is deployed, the local server's start-up, latency that the function adds to
 * a chat turn, time to the first streamed delta, and the CDK CLI's synth. Run with {@code scripts/bench.sh}; every
 * figure is measured here, on this machine, against the local Bedrock Runtime stand-in (which paces its deltas
 * 20 ms apart, as a fast model would).
 */
public final class Bench {
    private static final int STARTS = 20;
    private static final int JSON_TURNS = 200;
    private static final int STREAM_TURNS = 50;

    private Bench() {}

    public static void main(String[] args) throws Exception {
        List<String> report = new ArrayList<>();
        report.add("| measure | result |");
        report.add("|---|---|");
        report.add(row("function.jar", mib(Files.size(Repo.functionJar()))));
        report.add(row("function-lambda.zip (Lambda package)", mib(Files.size(Repo.functionPackage()))));

        List<Double> starts = new ArrayList<>();
        for (int i = 0; i < STARTS; i++) {
            long t0 = System.nanoTime();
            try (LocalServer ignored = LocalServer.start("bench-start", Map.of("CHAT_MODE", "offline"))) {
                starts.add(millis(System.nanoTime() - t0));
            }
        }
        report.add(row("local start, `java -jar` to first `/api/health` 200 (" + STARTS + " runs)", summary(starts)));

        Http http = new Http();
        try (StubbedChat chat = StubbedChat.start("bench", Map.of())) {
            LocalServer server = chat.server();
            long first = System.nanoTime();
            check(http.postJson(server.uri("/api/chat"), "{\"message\":\"warm up\"}"));
            report.add(row(
                    "first chat turn after start (JSON, through the SDK to the stand-in)",
                    fmt(millis(System.nanoTime() - first)) + " ms"));
            for (int i = 0; i < 50; i++) {
                check(http.postJson(server.uri("/api/chat"), "{\"message\":\"warm up\"}"));
            }

            List<Double> turns = new ArrayList<>();
            for (int i = 0; i < JSON_TURNS; i++) {
                long t0 = System.nanoTime();
                check(http.postJson(server.uri("/api/chat"), "{\"message\":\"turn " + i + "\"}"));
                turns.add(millis(System.nanoTime() - t0));
            }
            report.add(row(
                    "JSON turn, end to end (" + JSON_TURNS + " turns; the stand-in answers in about 0 ms)",
                    summary(turns)));

            List<Double> firstDelta = new ArrayList<>();
            List<Double> total = new ArrayList<>();
            for (int i = 0; i < STREAM_TURNS; i++) {
                long t0 = System.nanoTime();
                List<Sse.Event> events = http.stream(server.uri("/api/chat"), "{\"message\":\"stream " + i + "\"}");
                Sse.Event delta = events.stream()
                        .filter(e -> e.name().equals("message"))
                        .findFirst()
                        .orElseThrow();
                firstDelta.add(millis(delta.receivedAtNanos() - t0));
                total.add(millis(events.get(events.size() - 1).receivedAtNanos() - t0));
            }
            report.add(row("streamed turn: time to first delta (" + STREAM_TURNS + " turns)", summary(firstDelta)));
            report.add(row("streamed turn: whole answer (the stand-in sends 5 deltas 20 ms apart)", summary(total)));
        }

        for (String environment : List.of("dev", "prod")) {
            report.add(row(
                    "`cdk synth -c env=" + environment + "` after the build (CLI, cold JVM)",
                    fmt(synthSeconds(environment)) + " s"));
        }

        String table = String.join(System.lineSeparator(), report);
        System.out.println(table);
        Path out = Repo.outputDir("bench").resolve("bench.md");
        Files.writeString(out, table + System.lineSeparator());
        System.out.println("written to " + out);
    }

    private static double synthSeconds(String environment) {
        CdkCli.Synth synth =
                CdkCli.synth(environment, Repo.outputDir("bench").resolve("synth-" + environment + ".log"));
        if (synth.exitCode() != 0) {
            throw new IllegalStateException("cdk synth -c env=" + environment + " failed:\n" + synth.output());
        }
        return synth.elapsed().toMillis() / 1000.0;
    }

    private static void check(Http.Reply reply) {
        if (reply.status() != 200) {
            throw new IllegalStateException(
                    "chat answered " + reply.status() + ": " + reply.response().body());
        }
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return "median " + fmt(percentile(sorted, 50)) + " ms, p90 " + fmt(percentile(sorted, 90)) + " ms, max "
                + fmt(sorted.get(sorted.size() - 1)) + " ms";
    }

    private static double percentile(List<Double> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, value < 10 ? "%.1f" : "%.0f", value);
    }

    private static String row(String measure, String result) {
        return "| " + measure + " | " + result + " |";
    }
}
