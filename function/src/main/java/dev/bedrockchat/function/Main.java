package dev.bedrockchat.function;

import dev.bedrockchat.function.server.HttpTransport;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;

/** Starts the chat function as a plain web server (the local run, and the process behind the Lambda Web Adapter). */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Application application;
        try {
            application = Application.fromEnvironment();
        } catch (Config.ConfigException e) {
            System.err.println("Configuration error: " + e.getMessage());
            System.exit(2);
            return;
        }
        Config config = application.config();
        HttpTransport transport = HttpTransport.start(
                application.api(), config.host(), config.port(), config.httpLimits(), config.behindWebAdapter());
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            transport.close();
                            application.close();
                        },
                        "shutdown"));

        var line = new LinkedHashMap<String, Object>();
        line.put("url", "http://" + config.host() + ":" + transport.port() + "/");
        line.put("port", transport.port());
        line.put("mode", application.mode());
        ProcessHandle.current()
                .info()
                .startInstant()
                .ifPresent(start -> line.put(
                        "startupMs", Duration.between(start, Instant.now()).toMillis()));
        application.log().info("listening", line);
    }
}
