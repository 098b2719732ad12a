package dev.bedrockchat.system.support;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Helpers for the server processes the system tests and the benchmark start: a free port, and a stop that ends. */
public final class ServerProcesses {
    private ServerProcesses() {}

    /** A port nothing listens on at the moment, for a server to take. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Asks the process to stop, waits up to {@code grace}, then kills it (waiting up to 5 s more). */
    public static void stop(Process process, Duration grace) {
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
