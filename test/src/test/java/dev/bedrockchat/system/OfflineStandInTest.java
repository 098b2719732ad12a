package dev.bedrockchat.system;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bedrockchat.function.Sse;
import dev.bedrockchat.system.support.Http;
import dev.bedrockchat.system.support.LocalServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** A laptop with no AWS credentials: the jar starts on the offline stand-in and says so everywhere it shows. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OfflineStandInTest {
    private final Http http = new Http();
    private LocalServer server;

    @BeforeAll
    void start() {
        server = LocalServer.start("offline", Map.of());
    }

    @AfterAll
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void withoutCredentialsTheHealthSaysOffline() {
        Http.Reply health = http.get(server.uri("/api/health"));

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().path("mode").asText()).isEqualTo("offline");
        assertThat(server.logText().toLowerCase()).contains("offline");
    }

    @Test
    void theStandInAnswersAndSaysItIsNotBedrock() {
        List<Sse.Event> events = http.stream(server.uri("/api/chat"), "{\"message\":\"Is this real?\"}");

        String reply = Sse.text(events);
        assertThat(reply.toLowerCase()).contains("offline");
        assertThat(reply).contains("Is this real?");
        assertThat(events).extracting(Sse.Event::name).contains("start", "done");
    }
}
