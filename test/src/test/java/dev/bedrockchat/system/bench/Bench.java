package dev.bedrockchat.system.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import dev.bedrockchat.infra.function.ChatFunction;
import dev.bedrockchat.system.support.CdkCli;
import dev.bedrockchat.system.support.Repo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The project's benchmark, one table with the machine, the JDK and the date: sizes of what is deployed; cold starts of
 * fresh processes (the documented local command, {@code scripts/run.sh}, to {@code /api/health} 200 and to the first
 * streamed delta of a first chat); the time the function adds to a stream (the stand-in's first delta → the client
 * has it; the last delta → {@code event: done}) with conversation and artifact writes on; throughput of non-streamed
 * turns under Debian's {@code wrk}; resident size after many turns and while 200 streams run at once (with every
 * conversation checked afterwards); a leak check over 10,000 turns; and the CDK CLI's synth.
 *
 * <p>Run with {@code scripts/bench.sh} ({@code --quick} for fewer processes and turns while iterating). Every figure is
 * measured here, against the project's Bedrock Runtime stand-in in this JVM, answering at once ({@code [burst]})
 * unless said otherwise, so the figures are what the function itself adds.
 */
public final class Bench {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern WRK_RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern WRK_P99 = Pattern.compile("\\s99%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern WRK_P50 = Pattern.compile("\\s50%\\s+([0-9.]+)(us|ms|s)");
    private static final Pattern WRK_TOTAL = Pattern.compile("(\\d+) requests in");
    private static final Pattern WRK_NON_2XX = Pattern.compile("Non-2xx or 3xx responses: (\\d+)");
    private static final Pattern WRK_SOCKET =
            Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)");

    /**
     * How much of everything: the full run, or a quick one for iterating ({@code -Dbench.quick=true}). A warm measure
     * starts once the JIT compilers are quiet: its server warmed by rounds of the same load ({@code warmRound} for the
     * one-client streams, {@code wrkWarmRound} for wrk) until the compilers used at most {@link #QUIET} of a round's
     * time, but at least {@code warmTurns} streams and as many JSON turns (or one wrk round) and at most {@code warmAtMost} (or
     * {@code wrkWarmAtMost}).
     */
    record Plan(
            int starts,
            int warmTurns,
            Duration warmRound,
            Duration warmAtMost,
            int overheadTurns,
            Duration wrkWarmRound,
            Duration wrkWarmAtMost,
            Duration wrkFor,
            int streams,
            Duration streamsFor,
            int leakWarmTurns,
            int leakRounds,
            int leakTurnsPerRound,
            int lambdaStarts,
            boolean synth) {
        static final Plan FULL = new Plan(
                20,
                500,
                Duration.ofSeconds(2),
                Duration.ofSeconds(60),
                1000,
                Duration.ofSeconds(5),
                Duration.ofSeconds(90),
                Duration.ofSeconds(15),
                200,
                Duration.ofSeconds(60),
                5000,
                10,
                1000,
                3,
                true);
        static final Plan QUICK = new Plan(
                5,
                100,
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                200,
                Duration.ofSeconds(3),
                Duration.ofSeconds(6),
                Duration.ofSeconds(5),
                200,
                Duration.ofSeconds(15),
                1000,
                4,
                500,
                1,
                false);
    }

    /** The JIT compilers count as quiet when they used at most this share of a round's time (of one core). */
    static final double QUIET = 0.02;

    private final Plan plan;
    private final List<String> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    private Bench(Plan plan) {
        this.plan = plan;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = Boolean.getBoolean("bench.quick") || List.of(args).contains("--quick");
        boolean aot = !"false".equals(System.getProperty("bench.aot"));
        new Bench(quick ? Plan.QUICK : Plan.FULL).run(quick, aot);
    }

    private void run(boolean quick, boolean aot) throws Exception {
        Path cache = Repo.root().resolve("function/target/function.aot");
        if (aot) {
            long t0 = System.nanoTime();
            train();
            notes.add(String.format(
                    Locale.ROOT,
                    "ahead-of-time cache: `scripts/run.sh --train` took %s s, %s",
                    fmt(millis(System.nanoTime() - t0) / 1000),
                    mib(Files.size(cache))));
        } else {
            Files.deleteIfExists(cache);
            notes.add("no ahead-of-time cache (-Dbench.aot=false)");
        }
        row("function.jar", mib(Files.size(Repo.functionJar())), "≤ 18 MB", Files.size(Repo.functionJar()) <= 18e6);
        row("function-lambda.zip (the Lambda package)", mib(Files.size(Repo.functionPackage())), "", null);

        try (BedrockRuntimeStub stub = BedrockRuntimeStub.start()) {
            stub.recordRequests(false);
            coldStarts(stub);
            try (BenchServer server = BenchServer.launch("bench-warm", stub.endpoint(), Map.of())) {
                server.awaitHealthy();
                notes.add("JVM: `" + String.join(" ", server.commandLine()) + "`");
                warm(stub, server);
                throughput(server);
                concurrentStreams(server);
            }
            try (BenchServer server = BenchServer.launch("bench-leak", stub.endpoint(), Map.of())) {
                server.awaitHealthy();
                leakCheck(server);
            }
            lambdaSettings(stub);
        }
        if (plan.synth()) {
            for (String environment : List.of("dev", "prod")) {
                double seconds = synthSeconds(environment);
                row(
                        "`cdk synth -c env=" + environment + "` of all its stacks, after the build (CLI, cold JVM)",
                        fmt(seconds) + " s",
                        "≤ 15 s",
                        seconds <= 15);
            }
        }
        write(quick);
    }

    /** Fresh processes: start → /api/health 200, and start → the first delta of a first streamed chat. */
    private void coldStarts(BedrockRuntimeStub stub) throws Exception {
        List<Double> health = new ArrayList<>();
        List<Double> firstDelta = new ArrayList<>();
        for (int i = 0; i < plan.starts(); i++) {
            try (BenchServer server = BenchServer.launch("bench-cold-" + i, stub.endpoint(), Map.of())) {
                long healthy = server.awaitHealthy();
                try (BenchClient client = new BenchClient(server.port())) {
                    BenchClient.Answer answer =
                            client.stream("/api/chat", "{\"message\":\"first chat " + i + " [burst]\"}");
                    check(answer);
                    health.add(millis(healthy - server.startedNanos()));
                    firstDelta.add(millis(answer.first("message").receivedAtNanos() - server.startedNanos()));
                }
            }
        }
        row(
                "cold: start → `/api/health` 200 (" + plan.starts() + " fresh processes)",
                summary(health),
                "≤ 250 ms",
                median(health) <= 250);
        row(
                "cold: start → first streamed delta of a first chat at the client (" + plan.starts() + " processes)",
                summary(firstDelta),
                "≤ 400 ms (stretch 250)",
                median(firstDelta) <= 400);
    }

    /** Streams one after another: what the function adds to the first and the last delta, then resident size. */
    private void warm(BedrockRuntimeStub stub, BenchServer server) throws Exception {
        int turns = 0;
        var conversation = new Rotation();
        // Resident size and turns after the first round (at least the target's 1,000 turns).
        double[] earlyRss = {0};
        int[] earlyTurns = {0};
        try (BenchClient client = new BenchClient(server.port())) {
            int[] warmed = {0};
            WarmUp warmUp = warmUntilQuiet(server, plan.warmRound(), plan.warmAtMost(), round -> {
                long end = System.nanoTime() + round.toNanos();
                while (System.nanoTime() < end || warmed[0] < plan.warmTurns()) {
                    conversation.took(
                            client.stream("/api/chat", conversation.body("warm up " + warmed[0] + " [burst]")));
                    conversation.took(client.postJson("/api/chat", conversation.body("warm up json " + warmed[0])));
                    warmed[0]++;
                }
                if (earlyTurns[0] == 0) {
                    earlyRss[0] = server.residentMiB();
                    earlyTurns[0] = 2 * warmed[0];
                }
            });
            turns += 2 * warmed[0];
            notes.add("warm streams: measured after " + 2 * warmed[0] + " turns of one client, " + warmUp.describe());
            stub.recordTimings(true);
            List<Double> first = new ArrayList<>();
            List<Double> last = new ArrayList<>();
            for (int i = 0; i < plan.overheadTurns(); i++) {
                String message = "overhead " + i + " [burst]";
                BenchClient.Answer answer = client.stream("/api/chat", conversation.body(message));
                conversation.took(answer);
                turns++;
                BedrockRuntimeStub.StreamTiming timing = stub.timing(message).orElseThrow();
                first.add(millis(answer.first("message").receivedAtNanos() - timing.firstDeltaNanos()));
                last.add(millis(answer.first("done").receivedAtNanos() - timing.lastDeltaNanos()));
            }
            stub.recordTimings(false);
            row(
                    "warm: stand-in's first delta → client has it (" + plan.overheadTurns()
                            + " streams, ten per conversation" + "; conversation and artifact written)",
                    percentiles(first),
                    "p50 ≤ 1 ms, p99 ≤ 5 ms",
                    percentile(first, 50) <= 1 && percentile(first, 99) <= 5);
            row(
                    "warm: stand-in's last delta → client has `event: done`",
                    percentiles(last),
                    "p50 ≤ 1 ms, p99 ≤ 5 ms",
                    percentile(last, 50) <= 1 && percentile(last, 99) <= 5);
        }
        row(
                "memory: resident size after " + earlyTurns[0] + " turns",
                fmt(earlyRss[0]) + " MiB",
                "≤ 160 MB",
                earlyRss[0] * 1.048576 <= 160);
        notes.add("resident size after all " + turns + " turns of one client (warm-up and measures): "
                + fmt(server.residentMiB()) + " MiB");
    }

    /** One round of warming load, as long as it is given. */
    @FunctionalInterface
    interface Round {
        void run(Duration length) throws Exception;
    }

    /** How a warm-up went: how long it took, and what the compilers used in its last round. */
    record WarmUp(Duration took, Duration lastRound, Duration compilersInLastRound, boolean quiet) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%s s of warming load; the JIT compilers used %d ms of the last %s ms round (%s)",
                    fmt(took.toMillis() / 1000.0),
                    compilersInLastRound.toMillis(),
                    lastRound.toMillis(),
                    quiet
                            ? "quiet: at most " + Math.round(QUIET * 100) + " %"
                            : "NOT quiet yet: the warm-up's limit came first");
        }
    }

    /** Runs rounds of load until the JIT compilers are quiet ({@link #QUIET}) or {@code atMost} has passed. */
    private static WarmUp warmUntilQuiet(BenchServer server, Duration round, Duration atMost, Round load)
            throws Exception {
        long start = System.nanoTime();
        while (true) {
            Duration compilers = server.compilerCpu();
            long roundStart = System.nanoTime();
            load.run(round);
            long now = System.nanoTime();
            Duration used = server.compilerCpu().minus(compilers);
            Duration roundTook = Duration.ofNanos(now - roundStart);
            boolean quiet = used.toNanos() <= QUIET * roundTook.toNanos();
            if (quiet || now - start >= atMost.toNanos()) {
                return new WarmUp(Duration.ofNanos(now - start), roundTook, used, quiet);
            }
        }
    }

    /** wrk: non-streamed turns, 32 connections. */
    private void throughput(BenchServer server) throws Exception {
        Path script = Repo.outputDir("bench").resolve("chat.lua");
        // Ten turns per conversation, one at a time, as a person chats (the page sends the next turn once the last
        // one is answered): a conversation's id waits in its wrk thread's list of idle ones while its turn runs, and
        // a connection with none idle starts a new conversation. (wrk keeps one Lua state per thread, not per
        // connection; a single id per thread sent 16 connections' turns into one conversation at once.)
        Files.writeString(script, """
                wrk.method = "POST"
                wrk.headers["Content-Type"] = "application/json"
                local idle = {}
                local turns = {}
                request = function()
                  local id = table.remove(idle)
                  if id == nil then
                    return wrk.format(nil, nil, nil, '{"message":"throughput turn"}')
                  end
                  return wrk.format(nil, nil, nil, '{"message":"throughput turn","conversationId":"' .. id .. '"}')
                end
                response = function(status, headers, body)
                  local id = string.match(body, '"conversationId":"([0-9a-f-]+)"')
                  if id then
                    local n = (turns[id] or 0) + 1
                    if n < 10 then
                      turns[id] = n
                      table.insert(idle, id)
                    else
                      turns[id] = nil
                    end
                  end
                end
                """);
        if (!commandExists("wrk")) {
            row(
                    "throughput: non-streamed turns, 32 connections (wrk)",
                    "not measured: `wrk` is not installed " + "(apt-get install wrk)",
                    "≥ 1,500/s",
                    false);
            return;
        }
        String url = "http://127.0.0.1:" + server.port() + "/api/chat";
        // Rounds of the same load first, not measured, so that the measured run meets the server as it runs for
        // hours: its hot path compiled by C2, which under this load takes some 25 s of the two cores wrk shares.
        List<String> rounds = new ArrayList<>();
        WarmUp warmUp = warmUntilQuiet(
                server,
                plan.wrkWarmRound(),
                plan.wrkWarmAtMost(),
                round -> rounds.add(runWrk(
                        List.of("wrk", "-t2", "-c32", "-d" + round.toSeconds() + "s", "-s", script.toString(), url))));
        row(
                "throughput while the server warms: the first "
                        + plan.wrkWarmRound().toSeconds() + " s of that load (C2 still compiling)",
                String.format(Locale.ROOT, "%.0f/s", wrkRate(rounds.get(0))),
                "",
                null);
        notes.add("throughput: measured after " + rounds.size() + " rounds of "
                + plan.wrkWarmRound().toSeconds()
                + " s of the same load ("
                + rounds.stream()
                        .map(r -> String.format(Locale.ROOT, "%.0f/s", wrkRate(r)))
                        .collect(java.util.stream.Collectors.joining(", "))
                + "), " + warmUp.describe());
        BenchServer.Cpu before = server.cpu();
        String output = runWrk(List.of(
                "wrk",
                "-t2",
                "-c32",
                "-d" + plan.wrkFor().toSeconds() + "s",
                "--latency",
                "-s",
                script.toString(),
                url));
        BenchServer.Cpu after = server.cpu();
        Files.writeString(Repo.outputDir("bench").resolve("wrk.txt"), output);
        double rate = wrkRate(output);
        double p50 = wrkMillis(WRK_P50, output);
        double p99 = wrkMillis(WRK_P99, output);
        long errors = 0;
        Matcher non2xx = WRK_NON_2XX.matcher(output);
        if (non2xx.find()) {
            errors += Long.parseLong(non2xx.group(1));
        }
        Matcher socket = WRK_SOCKET.matcher(output);
        if (socket.find()) {
            for (int g = 1; g <= 4; g++) {
                errors += Long.parseLong(socket.group(g));
            }
        }
        row(
                "throughput: non-streamed turns (ten per conversation, one at a time), wrk -t2 -c32 "
                        + plan.wrkFor().toSeconds() + " s, warmed by "
                        + warmUp.took().toSeconds()
                        + " s of the same load (" + group(WRK_TOTAL, output) + " turns)",
                String.format(Locale.ROOT, "%.0f/s, p50 %s ms, p99 %s ms, %d errors", rate, fmt(p50), fmt(p99), errors),
                "≥ 1,500/s, 0 errors, p99 ≤ 40 ms",
                rate >= 1500 && errors == 0 && p99 <= 40);
        long turns = Long.parseLong(group(WRK_TOTAL, output));
        row(
                "throughput: the server's CPU time per turn during that run (the rest of the 2 cores: wrk, the"
                        + " stand-in)",
                String.format(
                        Locale.ROOT,
                        "%s ms, %.0f %% of it in the kernel",
                        fmt(after.total().minus(before.total()).toNanos() / 1e6 / turns),
                        100 * after.kernelShareSince(before)),
                "",
                null);
    }

    /**
     * {@code plan.streams()} clients, each streaming turn after turn into its own conversation for
     * {@code plan.streamsFor()} (the stand-in paces {@code [slow]} answers: 60 deltas 150 ms apart, so every stream is
     * open at once); resident size and threads sampled throughout; afterwards every conversation is read back and
     * compared with what its client sent and received.
     */
    private void concurrentStreams(BenchServer server) throws Exception {
        int clients = plan.streams();
        long end = System.nanoTime() + plan.streamsFor().toNanos();
        AtomicInteger open = new AtomicInteger();
        AtomicInteger mostOpen = new AtomicInteger();
        AtomicInteger completed = new AtomicInteger();
        var errors = new ConcurrentLinkedQueue<String>();
        var conversations = new ConcurrentLinkedQueue<Expected>();
        AtomicLong maxRss = new AtomicLong();
        AtomicInteger maxThreads = new AtomicInteger();
        double before = server.residentMiB();
        var done = new CountDownLatch(clients);
        Thread sampler = Thread.ofPlatform().daemon().start(() -> {
            while (done.getCount() > 0) {
                try {
                    maxRss.accumulateAndGet((long) (server.residentMiB() * 1024), Math::max);
                    maxThreads.accumulateAndGet(server.threads(), Math::max);
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    // the process ended
                }
            }
        });
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int clientNo = c;
                pool.submit(() -> {
                    var expected = new Expected();
                    try (BenchClient client = new BenchClient(server.port())) {
                        for (int turn = 0; System.nanoTime() < end; turn++) {
                            String message = "load " + clientNo + " turn " + turn + " [slow]";
                            String body = expected.id == null
                                    ? JSON.createObjectNode()
                                            .put("message", message)
                                            .toString()
                                    : JSON.createObjectNode()
                                            .put("message", message)
                                            .put("conversationId", expected.id)
                                            .toString();
                            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                            BenchClient.Answer answer;
                            try {
                                answer = client.stream("/api/chat", body);
                            } finally {
                                open.decrementAndGet();
                            }
                            if (answer.status() != 200
                                    || answer.events().stream()
                                            .anyMatch(e -> e.name().equals("error"))
                                    || answer.events().stream()
                                            .noneMatch(e -> e.name().equals("done"))) {
                                errors.add(answer.status() + " " + answer.body());
                                return null;
                            }
                            if (expected.id == null) {
                                expected.id = JSON.readTree(
                                                answer.first("start").data())
                                        .path("conversationId")
                                        .asText();
                            }
                            var reply = new StringBuilder();
                            for (BenchClient.Event event : answer.events()) {
                                if (event.name().equals("message")
                                        && !event.data().equals("[DONE]")) {
                                    reply.append(JSON.readTree(event.data())
                                            .path("content")
                                            .asText());
                                }
                            }
                            expected.messages.add(message);
                            expected.messages.add(reply.toString());
                            completed.incrementAndGet();
                        }
                    } catch (Exception e) {
                        errors.add(e.toString());
                    } finally {
                        conversations.add(expected);
                        done.countDown();
                    }
                    return null;
                });
            }
        }
        sampler.interrupt();
        int intact = 0;
        try (BenchClient client = new BenchClient(server.port())) {
            for (Expected expected : conversations) {
                if (expected.id == null) {
                    continue;
                }
                BenchClient.Answer answer = client.get("/api/conversations/" + expected.id);
                List<String> stored = new ArrayList<>();
                if (answer.status() == 200) {
                    for (JsonNode message : JSON.readTree(answer.body()).path("messages")) {
                        stored.add(message.path("content").asText());
                    }
                }
                if (stored.equals(expected.messages)) {
                    intact++;
                } else {
                    errors.add("conversation " + expected.id + " holds " + stored.size() + " messages, expected "
                            + expected.messages.size());
                }
            }
        }
        double peak = maxRss.get() / 1024.0;
        row(
                String.format(
                        Locale.ROOT,
                        "memory: %d streams at once for %d s (resident size before: %s MiB)",
                        clients,
                        plan.streamsFor().toSeconds(),
                        fmt(before)),
                String.format(
                        Locale.ROOT,
                        "peak %s MiB, %d threads at most, %d open at most, %d turns, %d errors, %d/%d conversations "
                                + "intact",
                        fmt(peak),
                        maxThreads.get(),
                        mostOpen.get(),
                        completed.get(),
                        errors.size(),
                        intact,
                        clients),
                "≤ 250 MB, 0 errors",
                peak * 1.048576 <= 250 && errors.isEmpty() && intact == clients);
        errors.stream().limit(5).forEach(e -> notes.add("200-stream error: " + e));
    }

    /**
     * Turns as people take them: ten into a conversation, then a new one (a person's conversations, and their index,
     * grow as they would, not by one conversation per request).
     */
    private static final class Rotation {
        private String id;
        private int turns;

        /** The body of the next turn: into the current conversation, or (every tenth turn) a new one. */
        String body(String message) {
            var body = JSON.createObjectNode().put("message", message);
            if (id != null && turns % 10 != 0) {
                body.put("conversationId", id);
            }
            return body.toString();
        }

        /** Checks the answer and remembers its conversation. */
        void took(BenchClient.Answer answer) throws IOException {
            check(answer);
            turns++;
            String data = answer.events().isEmpty()
                    ? answer.body()
                    : answer.first("start").data();
            id = JSON.readTree(data).path("conversationId").asText();
        }
    }

    private static final class Expected {
        volatile String id;
        final List<String> messages = new ArrayList<>();
    }

    /** Rounds of non-streamed turns (8 clients); after each, a full collection and the heap then in use. */
    private void leakCheck(BenchServer server) throws Exception {
        List<Double> heap = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        int clients = 8;
        AtomicInteger errors = new AtomicInteger();
        double freshRss = server.residentMiB();
        // Turns first, not measured, as a server that has run for a while has had them: C2 compiles the hot path
        // over the first thousands of turns, and its code and the heap's pages, once touched, stay resident.
        leakTurns(server, clients, plan.leakWarmTurns() / clients, -1, errors);
        double warmedRss = server.residentMiB();
        for (int round = 0; round < plan.leakRounds(); round++) {
            leakTurns(server, clients, plan.leakTurnsPerRound() / clients, round, errors);
            heap.add(server.heapAfterGcMiB());
            rss.add(server.residentMiB());
        }
        int total = plan.leakRounds() * plan.leakTurnsPerRound();
        double slope = slope(heap) * (1000.0 / plan.leakTurnsPerRound());
        double rssSlope = slope(rss) * (1000.0 / plan.leakTurnsPerRound());
        row(
                "leak check: " + total + " turns in " + plan.leakRounds() + " rounds after " + plan.leakWarmTurns()
                        + " not measured (heap after a full GC; resident size)",
                String.format(
                        Locale.ROOT,
                        "heap %s → %s MiB (%+.2f MiB per 1,000 turns); resident %s → %s MiB (%+.2f MiB per 1,000"
                                + " turns); %d errors",
                        fmt(heap.getFirst()),
                        fmt(heap.getLast()),
                        slope,
                        fmt(rss.getFirst()),
                        fmt(rss.getLast()),
                        rssSlope,
                        errors.get()),
                "no growth",
                slope < 0.5 && errors.get() == 0);
        notes.add(String.format(
                Locale.ROOT,
                "leak check: resident %s MiB when started, %s MiB after the %d turns not measured",
                fmt(freshRss),
                fmt(warmedRss),
                plan.leakWarmTurns()));
        notes.add("leak check, heap after GC by round (MiB): "
                + heap.stream().map(Bench::fmt).toList() + "; resident: "
                + rss.stream().map(Bench::fmt).toList());
    }

    /** {@code perClient} turns from each of {@code clients} clients at once, ten per conversation. */
    private static void leakTurns(BenchServer server, int clients, int perClient, int roundNo, AtomicInteger errors) {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int clientNo = c;
                pool.submit(() -> {
                    try (BenchClient client = new BenchClient(server.port())) {
                        String id = null;
                        for (int i = 0; i < perClient; i++) {
                            // Ten turns per conversation, then a new one: conversations stay their usual size.
                            String body = id == null || i % 10 == 0
                                    ? "{\"message\":\"leak " + roundNo + " " + clientNo + " " + i + "\"}"
                                    : "{\"message\":\"leak " + i + "\",\"conversationId\":\"" + id + "\"}";
                            BenchClient.Answer answer = client.postJson("/api/chat", body);
                            if (answer.status() != 200) {
                                errors.incrementAndGet();
                                continue;
                            }
                            id = JSON.readTree(answer.body())
                                    .path("conversationId")
                                    .asText();
                        }
                    } catch (IOException e) {
                        errors.incrementAndGet();
                    }
                    return null;
                });
            }
        }
    }

    /**
     * The JVM settings for Lambda, compared as Lambda would run them (one core, the memory of a 1,024 MB function, the
     * package's command line, no ahead-of-time cache): for each, {@code plan.lambdaStarts()} fresh processes, each
     * timed from start to its first answered turn, then 100 turns one after another, and its resident size after.
     */
    private void lambdaSettings(BedrockRuntimeStub stub) throws Exception {
        if (!commandExists("taskset")) {
            notes.add("Lambda JVM settings not compared: `taskset` is not installed (util-linux)");
            return;
        }
        for (LambdaSettings settings : LambdaSettings.values()) {
            List<Double> first = new ArrayList<>();
            List<Double> early = new ArrayList<>();
            List<Double> late = new ArrayList<>();
            List<Double> resident = new ArrayList<>();
            for (int start = 0; start < plan.lambdaStarts(); start++) {
                String name = "bench-lambda-" + settings.name().toLowerCase(Locale.ROOT) + "-" + start;
                try (BenchServer server = BenchServer.launchAsInLambda(name, stub.endpoint(), settings.options())) {
                    server.awaitHealthy();
                    try (BenchClient client = new BenchClient(server.port())) {
                        var conversation = new Rotation();
                        List<Double> turns = new ArrayList<>();
                        for (int i = 0; i < 100; i++) {
                            long t0 = System.nanoTime();
                            conversation.took(client.postJson("/api/chat", conversation.body("lambda turn " + i)));
                            turns.add(millis(System.nanoTime() - t0));
                            if (i == 0) {
                                first.add(millis(System.nanoTime() - server.startedNanos()));
                            }
                        }
                        early.add(percentile(turns.subList(0, 20), 50));
                        late.add(percentile(turns.subList(80, 100), 50));
                    }
                    resident.add(server.residentMiB());
                }
            }
            row(
                    "Lambda JVM settings, one core, 1,024 MB (" + plan.lambdaStarts() + " starts): " + settings.label()
                            + " (`" + settings.options() + "`)",
                    String.format(
                            Locale.ROOT,
                            "first turn after start median %s ms; turns 1–20 p50 %s ms, 81–100 p50 %s ms; "
                                    + "resident %s MiB",
                            fmt(median(first)),
                            fmt(median(early)),
                            fmt(median(late)),
                            fmt(median(resident))),
                    settings == LambdaSettings.CHOSEN ? "chosen" : "",
                    null);
        }
    }

    /** The JVM settings compared for Lambda: ChatFunction.JAVA_TOOL_OPTIONS, and it with one choice changed. */
    private enum LambdaSettings {
        CHOSEN("C1 only, serial", ChatFunction.JAVA_TOOL_OPTIONS),
        TIERED("C1 and C2, serial", changed(" -XX:TieredStopAtLevel=1", "")),
        G1("C1 only, G1", changed("-XX:+UseSerialGC", "-XX:+UseG1GC"));

        private final String label;
        private final String options;

        LambdaSettings(String label, String options) {
            this.label = label;
            this.options = options;
        }

        private static String changed(String from, String to) {
            if (!ChatFunction.JAVA_TOOL_OPTIONS.contains(from)) {
                throw new IllegalStateException(
                        "ChatFunction.JAVA_TOOL_OPTIONS has no " + from.strip() + ": update the bench's comparison");
            }
            return ChatFunction.JAVA_TOOL_OPTIONS.replace(from, to);
        }

        String label() {
            return label;
        }

        String options() {
            return options;
        }
    }

    /** Makes the ahead-of-time cache the way the local command does ({@code scripts/run.sh --train}). */
    private static void train() throws IOException, InterruptedException {
        var builder = new ProcessBuilder(
                        "bash", Repo.root().resolve("scripts/run.sh").toString(), "--train")
                .directory(Repo.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(
                        Repo.outputDir("bench").resolve("aot-training.log").toFile());
        builder.environment().put("JAVA_HOME", Repo.javaHome().toString());
        if (builder.start().waitFor() != 0) {
            throw new IllegalStateException("scripts/run.sh --train failed: see test/target/bench/aot-training.log");
        }
    }

    private double synthSeconds(String environment) {
        CdkCli.Synth synth =
                CdkCli.synth(environment, Repo.outputDir("bench").resolve("synth-" + environment + ".log"));
        if (synth.exitCode() != 0) {
            throw new IllegalStateException("cdk synth -c env=" + environment + " failed:\n" + synth.output());
        }
        return synth.elapsed().toMillis() / 1000.0;
    }

    private void write(boolean quick) throws IOException {
        List<String> out = new ArrayList<>();
        out.add("Machine: " + machine() + "; JDK: " + jdk() + "; "
                + Instant.now().truncatedTo(ChronoUnit.SECONDS)
                + (quick ? " (quick run: fewer processes and turns)" : ""));
        out.add("");
        out.add("| measure | result | target | met |");
        out.add("|---|---|---|---|");
        out.addAll(rows);
        out.add("");
        notes.forEach(note -> out.add("- " + note));
        Path jmh = Repo.root().resolve("function/target/jmh.txt");
        if (Files.isRegularFile(jmh)) {
            out.add("");
            out.add("JMH, the hot path (function/target/jmh.txt):");
            out.add("");
            out.add("```");
            out.addAll(
                    Files.readAllLines(jmh).stream().filter(l -> !l.isBlank()).toList());
            out.add("```");
        }
        String table = String.join(System.lineSeparator(), out);
        System.out.println(table);
        Path file = Repo.outputDir("bench").resolve("bench.md");
        Files.writeString(file, table + System.lineSeparator());
        System.out.println("written to " + file);
    }

    private static String machine() {
        String cpu = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("model name"))
                    .map(line -> line.substring(line.indexOf(':') + 1).trim())
                    .findFirst()
                    .orElse("");
        } catch (IOException ignored) {
            // not Linux
        }
        long memory = ((com.sun.management.OperatingSystemMXBean)
                                java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                        .getTotalMemorySize()
                >> 30;
        return System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " cores" + (cpu.isEmpty() ? "" : " (" + cpu + ")")
                + ", " + memory + " GiB";
    }

    private static String jdk() {
        return System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version");
    }

    private static String runWrk(List<String> command) throws IOException, InterruptedException {
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!wrk.waitFor(5, TimeUnit.MINUTES) || wrk.exitValue() != 0) {
            throw new IllegalStateException("wrk failed: " + output);
        }
        return output;
    }

    private static boolean commandExists(String name) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + name).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    private static double wrkRate(String output) {
        return Double.parseDouble(group(WRK_RATE, output));
    }

    private static double wrkMillis(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in wrk's output:\n" + output);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static String group(Pattern pattern, String output) {
        Matcher m = pattern.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in wrk's output:\n" + output);
        }
        return m.group(1);
    }

    private static void check(BenchClient.Answer answer) {
        if (answer.status() != 200) {
            throw new IllegalStateException("chat answered " + answer.status() + ": " + answer.body());
        }
    }

    /** Least-squares slope of the values against their index. */
    private static double slope(List<Double> values) {
        int n = values.size();
        if (n < 2) {
            return 0;
        }
        double meanX = (n - 1) / 2.0;
        double meanY =
                values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - meanX) * (values.get(i) - meanY);
            den += (i - meanX) * (i - meanX);
        }
        return num / den;
    }

    private static String summary(List<Double> values) {
        return "median " + fmt(percentile(values, 50)) + " ms, p90 " + fmt(percentile(values, 90)) + " ms, max "
                + fmt(Collections.max(values)) + " ms";
    }

    private static String percentiles(List<Double> values) {
        return "p50 " + fmt(percentile(values, 50)) + " ms, p90 " + fmt(percentile(values, 90)) + " ms, p99 "
                + fmt(percentile(values, 99)) + " ms, max " + fmt(Collections.max(values)) + " ms";
    }

    private static double median(List<Double> values) {
        return percentile(values, 50);
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB (%.1f MB)", bytes / (1024.0 * 1024.0), bytes / 1e6);
    }

    private static String fmt(double value) {
        return String.format(Locale.ROOT, Math.abs(value) < 10 ? "%.2f" : "%.0f", value);
    }

    private void row(String measure, String result, String target, Boolean met) {
        rows.add("| " + measure + " | " + result + " | " + target + " | " + (met == null ? "" : met ? "yes" : "no")
                + " |");
        System.out.println(measure + ": " + result);
    }
}
