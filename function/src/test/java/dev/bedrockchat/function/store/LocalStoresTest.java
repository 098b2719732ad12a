package dev.bedrockchat.function.store;

import static dev.bedrockchat.function.store.Turns.person;
import static dev.bedrockchat.function.store.Turns.turn;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.chat.ConversationQuery;
import dev.bedrockchat.function.chat.Principal;
import dev.bedrockchat.function.store.local.LocalArtifactStore;
import dev.bedrockchat.function.store.local.LocalObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local adapters on a folder: the bucket's layout, files written whole. */
class LocalStoresTest extends ConversationStoreContract {
    @TempDir
    Path dataDir;

    private LocalObjectStore objects;

    @BeforeEach
    void open() {
        objects = new LocalObjectStore(dataDir);
    }

    @Override
    ObjectStore objects() {
        return objects;
    }

    @Test
    void theFolderHasTheBucketsLayoutAndNoTemporaryFileRemains() throws IOException {
        Principal ada = person();
        String id = UUID.randomUUID().toString();
        store().append(ada, id, turn("hello"), true, soon());
        store().list(ada, ConversationQuery.firstPage());

        Path folder = dataDir.resolve("conversations").resolve(ada.key());
        try (var files = Files.list(folder)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(id + ".json", "index.json");
        }
        assertThat(Files.readString(folder.resolve(id + ".json"))).contains("\"content\":\"hello\"");
    }

    @Test
    void keysCannotEscapeTheFolder() {
        assertThatThrownBy(() -> objects.get("../outside.json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() ->
                        objects.put("conversations/../../outside.json", new byte[0], ObjectStore.Condition.ifAbsent()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(dataDir.resolveSibling("outside.json")).doesNotExist();
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
