package dev.bedrockchat.system.support;

import dev.bedrockchat.function.testing.BedrockRuntimeStub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The local chat as the system tests run it: the real function jar in its own process, whose Bedrock is the
 * keyword-scripted Bedrock Runtime stand-in, with fake credentials and its own data folder.
 */
public final class StubbedChat implements AutoCloseable {
    private final BedrockRuntimeStub bedrock;
    private final LocalServer server;
    private final Path dataDir;

    private StubbedChat(BedrockRuntimeStub bedrock, LocalServer server, Path dataDir) {
        this.bedrock = bedrock;
        this.server = server;
        this.dataDir = dataDir;
    }

    /** Starts the stand-in and the server; {@code settings} add to or override the defaults. */
    public static StubbedChat start(String name, Map<String, String> settings) {
        BedrockRuntimeStub bedrock = null;
        try {
            bedrock = BedrockRuntimeStub.start();
            Path dataDir = Files.createTempDirectory("chat-" + name + "-data-");
            Map<String, String> env = new HashMap<>(LocalServer.bedrockAt(bedrock.endpoint()));
            env.put("CHAT_DATA_DIR", dataDir.toString());
            env.put("ENVIRONMENT_NAME", name);
            env.putAll(settings);
            return new StubbedChat(bedrock, LocalServer.start(name, env), dataDir);
        } catch (IOException e) {
            if (bedrock != null) {
                bedrock.close();
            }
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            if (bedrock != null) {
                bedrock.close();
            }
            throw e;
        }
    }

    public BedrockRuntimeStub bedrock() {
        return bedrock;
    }

    public LocalServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            bedrock.close();
        }
    }
}
