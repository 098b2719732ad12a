package dev.bedrockchat.function.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * moto's server ({@code python3 -m moto.server}), started on a free port for a test class and stopped after it: AWS
 * services that speak the real wire protocol (here Secrets Manager), for the real SDK to call. Register it with
 * {@code @RegisterExtension static final MotoServer MOTO = new MotoServer();} and point the SDK at {@link #endpoint()}.
 */
public final class MotoServer implements BeforeAllCallback, AfterAllCallback {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private Process process;
    private int port;
    private Path log;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        port = freePort();
        log = Files.createTempFile("moto-", ".log");
        process = new ProcessBuilder("python3", "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!accepts(port)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto did not start (is the Python package 'moto[server]' installed? "
                        + "pip install 'moto[server]'):\n" + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("moto did not listen on port " + port + " within " + START_TIMEOUT
                        + ":\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    /** {@code http://127.0.0.1:<port>}: the endpoint of every service moto serves. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    private static boolean accepts(int port) {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
