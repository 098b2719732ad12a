package dev.bedrockchat.system.bench;

import dev.bedrockchat.system.support.LocalServer;
import dev.bedrockchat.system.support.Repo;
import dev.bedrockchat.system.support.ServerProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One server process as the documented local command starts it ({@code scripts/run.sh}: the project's JVM settings
 * and, when built, the ahead-of-time cache), its Bedrock the in-process stand-in, its data in a fresh folder. It is
 * watched through {@code /proc} (resident size, threads) and {@code jcmd} (heap after a full collection).
 */
final class BenchServer implements AutoCloseable {
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);
    private static final Pattern HEAP_USED = Pattern.compile("(?m)^\\S.*?total \\d+K, used (\\d+)K");

    private final Process process;
    private final int port;
    private final long startedNanos;

    private BenchServer(Process process, int port, long startedNanos) {
        this.process = process;
        this.port = port;
        this.startedNanos = startedNanos;
    }

    /** Starts the process and returns at once (before it listens); {@link #awaitHealthy()} waits for it. */
    static BenchServer launch(String name, URI bedrock, Map<String, String> settings) throws IOException {
        return launch(
                name,
                bedrock,
                settings,
                List.of("bash", Repo.root().resolve("scripts/run.sh").toString()));
    }

    /**
     * Starts the process with the Lambda package's own start script ({@code function/src/main/lambda/run.sh}, the
     * {@code run.sh} of function-lambda.zip: the JVM's settings from {@code JAVA_TOOL_OPTIONS}, no ahead-of-time
     * cache), on one core ({@code taskset -c 0}) and with the memory of a 1,024 MB function ({@code -XX:MaxRAM=1g});
     * its {@code lib/function.jar} is the local one, which carries this machine's CRT library.
     */
    static BenchServer launchAsInLambda(String name, URI bedrock, String javaToolOptions) throws IOException {
        Path taskRoot = Files.createTempDirectory("bench-lambda-");
        Files.createDirectories(taskRoot.resolve("lib"));
        Files.createSymbolicLink(taskRoot.resolve("lib/function.jar"), Repo.functionJar());
        return launch(
                name,
                bedrock,
                Map.of(
                        "JAVA_TOOL_OPTIONS", javaToolOptions + " -XX:MaxRAM=1g",
                        "LAMBDA_TASK_ROOT", taskRoot.toString(),
                        "PATH", Repo.javaHome().resolve("bin") + ":" + System.getenv("PATH")),
                List.of(
                        "taskset",
                        "-c",
                        "0",
                        "sh",
                        Repo.root().resolve("function/src/main/lambda/run.sh").toString()));
    }

    /** CPU time the process has used so far, and the part of it in the kernel (from {@code /proc/<pid>/stat}). */
    record Cpu(Duration total, long userTicks, long kernelTicks) {
        /** The share of the time since {@code before} spent in the kernel. */
        double kernelShareSince(Cpu before) {
            long user = userTicks - before.userTicks;
            long kernel = kernelTicks - before.kernelTicks;
            return user + kernel == 0 ? 0 : (double) kernel / (user + kernel);
        }
    }

    Cpu cpu() {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
            // After the command name in parentheses: state is field 3, utime 14, stime 15.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            Duration total = process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
            return new Cpu(total, Long.parseLong(fields[11]), Long.parseLong(fields[12]));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid() + "/stat", e);
        }
    }

    /**
     * CPU time the JIT compilers' threads have used so far (the threads the JVM names {@code C1 CompilerThread…} and
     * {@code C2 CompilerThread…}, from {@code /proc/<pid>/task/<tid>/stat}, in clock ticks of 10 ms). While it still
     * grows, the server is not yet the one that runs for hours: its hot path is being compiled, on the same cores.
     */
    Duration compilerCpu() {
        long ticks = 0;
        try (var tasks = Files.list(Path.of("/proc/" + pid() + "/task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list /proc/" + pid() + "/task", e);
        }
        return Duration.ofMillis(ticks * 10);
    }

    private static BenchServer launch(String name, URI bedrock, Map<String, String> settings, List<String> command)
            throws IOException {
        int port = ServerProcesses.freePort();
        Path home = Files.createTempDirectory("bench-home-");
        Path log = Repo.outputDir("bench").resolve(name + ".log");
        var builder = new ProcessBuilder(command)
                .directory(Repo.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        LocalServer.isolate(env, home, port);
        env.put("JAVA_HOME", Repo.javaHome().toString());
        env.putAll(LocalServer.bedrockAt(bedrock));
        env.put("ENVIRONMENT_NAME", "bench");
        env.putAll(settings);
        long t0 = System.nanoTime();
        return new BenchServer(builder.start(), port, t0);
    }

    /** Polls {@code GET /api/health} every 2 ms until it answers 200; returns that moment ({@link System#nanoTime}). */
    long awaitHealthy() throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        byte[] request = ("GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue());
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
                socket.setSoTimeout(10_000);
                OutputStream out = socket.getOutputStream();
                out.write(request);
                out.flush();
                InputStream in = socket.getInputStream();
                byte[] head = in.readNBytes(12);
                String status = new String(head, StandardCharsets.US_ASCII);
                if (status.startsWith("HTTP/1.1 200")) {
                    return System.nanoTime();
                }
            } catch (ConnectException e) {
                // not listening yet
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        throw new IllegalStateException("the server did not answer /api/health in 60 s");
    }

    long startedNanos() {
        return startedNanos;
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    /** VmRSS in MiB. */
    double residentMiB() {
        return status("VmRSS") / 1024.0;
    }

    int threads() {
        return (int) status("Threads");
    }

    /** Runs a full collection ({@code jcmd GC.run}) and returns the heap then in use, in MiB. */
    double heapAfterGcMiB() throws IOException, InterruptedException {
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher used = HEAP_USED.matcher(info);
        long kib = 0;
        while (used.find()) {
            kib += Long.parseLong(used.group(1));
        }
        return kib / 1024.0;
    }

    private String jcmd(String command) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Repo.javaHome().resolve("bin/jcmd").toString(), Long.toString(pid()), command)
                .redirectErrorStream(true)
                .start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(30, TimeUnit.SECONDS);
        return output;
    }

    private long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(
                            line.substring(field.length() + 1).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc/" + pid() + "/status", e);
        }
        throw new IllegalStateException("no " + field + " in /proc/" + pid() + "/status");
    }

    /** The JVM's command line, as the kernel has it. */
    List<String> commandLine() {
        try {
            String raw = Files.readString(Path.of("/proc/" + pid() + "/cmdline"));
            return List.of(raw.split("\0"));
        } catch (IOException e) {
            return List.of();
        }
    }

    @Override
    public void close() {
        ServerProcesses.stop(process, STOP_GRACE);
    }
}
