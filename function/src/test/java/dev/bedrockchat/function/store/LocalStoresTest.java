package dev.bedrockchat.function.store;

import static dev.bedrockchat.function.store.Turns.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bedrockchat.function.chat.ConversationStore;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.chat.StoredMessage;
import dev.bedrockchat.function.store.local.LocalArtifactStore;
import dev.bedrockchat.function.store.local.LocalConversationStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalStoresTest extends ConversationStoreContract {
    private final ConversationCodec codec = new ConversationCodec(new ObjectMapper());

    @TempDir
    Path dataDir;

    @Override
    ConversationStore store() {
        return new LocalConversationStore(dataDir, codec, Clock.systemUTC());
    }

    @Override
    String storedDocument(String conversationId) throws IOException {
        return Files.readString(dataDir.resolve("conversations/" + conversationId + ".json"));
    }

    @Test
    void concurrentTurnsOnOneConversationAreAllKeptAndNoTemporaryFileRemains(@TempDir Path dir) throws Exception {
        var store = new LocalConversationStore(dir, codec, Clock.systemUTC());
        String id = UUID.randomUUID().toString();
        int writers = 24;
        var start = new CountDownLatch(1);
        var futures = new ArrayList<Future<?>>();
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < writers; i++) {
                String question = "q" + i;
                futures.add(executor.submit(() -> {
                    start.await();
                    return store.append(id, Principal.ANONYMOUS, turn(question));
                }));
            }
            start.countDown();
            for (Future<?> future : futures) {
                future.get();
            }
        }

        List<String> contents = store.find(id).orElseThrow().messages().stream()
                .map(StoredMessage::content)
                .toList();
        assertThat(contents).hasSize(writers * 2);
        for (int i = 0; i < writers; i++) {
            assertThat(contents.get(contents.indexOf("q" + i) + 1)).isEqualTo("re: q" + i);
        }
        try (var files = Files.list(dir.resolve("conversations"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly(id + ".json");
        }
    }

    @Test
    void aDocumentWrittenBeforeTurnIdsExistedIsReadAndAppendedTo(@TempDir Path dir) throws Exception {
        String id = UUID.randomUUID().toString();
        Files.createDirectories(dir.resolve("conversations"));
        Files.writeString(
                dir.resolve("conversations/" + id + ".json"),
                "{\"conversationId\":\"" + id + "\","
                        + "\"owner\":{\"kind\":\"anonymous\",\"id\":\"anonymous\"},\"createdAt\":\"2025-01-01T00:00:00Z\","
                        + "\"updatedAt\":\"2025-01-01T00:00:00Z\",\"messages\":[{\"role\":\"user\",\"content\":\"old\","
                        + "\"at\":\"2025-01-01T00:00:00Z\"},{\"role\":\"assistant\",\"content\":\"re: old\","
                        + "\"at\":\"2025-01-01T00:00:00Z\"}]}");
        var store = new LocalConversationStore(dir, codec, Clock.systemUTC());

        store.append(id, Principal.ANONYMOUS, turn("new"));

        assertThat(store.find(id).orElseThrow().messages())
                .extracting(StoredMessage::content)
                .containsExactly("old", "re: old", "new", "re: new");
        assertThat(store.find(id).orElseThrow().messages().getFirst().turn()).isNull();
    }

    @Test
    void artifactsKeepTheSameLayoutAsInS3AndCannotEscape(@TempDir Path dir) throws Exception {
        var store = new LocalArtifactStore(dir);

        store.put("artifacts/date=2025-01-01/000000.000Z-r.json", "{}".getBytes(StandardCharsets.UTF_8));

        assertThat(dir.resolve("artifacts/date=2025-01-01/000000.000Z-r.json")).hasContent("{}");
        assertThatThrownBy(() -> store.put("../outside.json", new byte[0])).isInstanceOf(IOException.class);
        assertThat(dir.resolveSibling("outside.json")).doesNotExist();
    }
}
