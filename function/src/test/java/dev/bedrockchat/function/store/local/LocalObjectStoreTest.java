package dev.bedrockchat.function.store.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bedrockchat.function.store.ConditionFailedException;
import dev.bedrockchat.function.store.ObjectStore.Condition;
import dev.bedrockchat.function.store.ObjectStore.Listed;
import dev.bedrockchat.function.store.ObjectStore.Reread;
import dev.bedrockchat.function.store.ObjectStore.StoredObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local folder's entity tags: content checksums, whatever this process remembers of the versions it has seen. */
class LocalObjectStoreTest {
    private static final String KEY = "conversations/p/one.json";

    @TempDir
    Path dataDir;

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aTagIsTheContentsHashWhetherWrittenReadOrListedHereOrByAnotherProcess() {
        var writer = new LocalObjectStore(dataDir);
        String written = writer.put(KEY, bytes("{\"a\":1}"), Condition.ifAbsent());

        assertThat(written).isEqualTo(LocalObjectStore.etag(bytes("{\"a\":1}")));
        assertThat(writer.get(KEY).map(StoredObject::etag)).contains(written);
        assertThat(writer.list("conversations/p/")).extracting(Listed::etag).containsExactly(written);
        // A store that has seen none of it (a restarted process) hashes what it finds: the same tags.
        var fresh = new LocalObjectStore(dataDir);
        assertThat(fresh.list("conversations/p/")).extracting(Listed::etag).containsExactly(written);
        assertThat(fresh.get(KEY).map(StoredObject::etag)).contains(written);
    }

    @Test
    void aTagIsTheLengthAndTwoChecksumsOfTheContent() {
        // CRC-32C and CRC-32 of "123456789", their check values.
        assertThat(LocalObjectStore.etag(bytes("123456789"))).isEqualTo("9-e3069283-cbf43926");
        assertThat(LocalObjectStore.etag(new byte[0])).isEqualTo("0-0-0");
        assertThat(LocalObjectStore.etag(bytes("{\"a\":1}"))).isNotEqualTo(LocalObjectStore.etag(bytes("{\"a\":2}")));
    }

    @Test
    void aFileChangedInPlaceBehindTheStoresBackGetsItsNewTag() throws IOException {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("{\"a\":1}"), Condition.ifAbsent());
        Path file = dataDir.resolve(KEY);
        // Rewritten in place (the same file identity and size), as an editor might.
        Files.write(file, bytes("{\"a\":2}"), StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));

        StoredObject read = store.get(KEY).orElseThrow();

        assertThat(read.etag()).isNotEqualTo(first).isEqualTo(LocalObjectStore.etag(bytes("{\"a\":2}")));
        assertThat(store.list("conversations/p/")).extracting(Listed::etag).containsExactly(read.etag());
        assertThatThrownBy(() -> store.put(KEY, bytes("{\"a\":3}"), Condition.ifMatch(first)))
                .isInstanceOf(ConditionFailedException.class);
    }

    @Test
    void aConditionalWriteHoldsOnlyForTheVersionThere() {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("one"), Condition.ifAbsent());
        String second = store.put(KEY, bytes("two"), Condition.ifMatch(first));

        assertThatThrownBy(() -> store.put(KEY, bytes("three"), Condition.ifMatch(first)))
                .isInstanceOf(ConditionFailedException.class);
        assertThatThrownBy(() -> store.put(KEY, bytes("three"), Condition.ifAbsent()))
                .isInstanceOf(ConditionFailedException.class);
        // The same content written again is a new version with the same tag (as S3's MD5 tags are).
        String again = store.put(KEY, bytes("two"), Condition.ifMatch(second));
        assertThat(again).isEqualTo(second);
        assertThat(new String(store.get(KEY).orElseThrow().content(), StandardCharsets.UTF_8))
                .isEqualTo("two");
    }

    @Test
    void aReadNamingTheVersionItHasLearnsWhetherTheFileChanged() throws IOException {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("one"), Condition.ifAbsent());

        assertThat(store.getUnlessUnchanged(KEY, first)).isInstanceOf(Reread.Unchanged.class);
        assertThat(new LocalObjectStore(dataDir).getUnlessUnchanged(KEY, first))
                .as("a store that has not seen the file reads it, and finds the same version")
                .isInstanceOf(Reread.Unchanged.class);
        Files.write(dataDir.resolve(KEY), bytes("two"), StandardOpenOption.TRUNCATE_EXISTING);
        Files.setLastModifiedTime(
                dataDir.resolve(KEY), FileTime.from(Instant.now().plusSeconds(5)));
        assertThat(store.getUnlessUnchanged(KEY, first)).isInstanceOfSatisfying(Reread.Changed.class, changed -> {
            assertThat(changed.object().content()).isEqualTo(bytes("two"));
            assertThat(changed.object().etag()).isEqualTo(LocalObjectStore.etag(bytes("two")));
        });
        Files.delete(dataDir.resolve(KEY));
        assertThat(store.getUnlessUnchanged(KEY, first)).isInstanceOf(Reread.Absent.class);
    }

    @Test
    void aReadNamingAnOlderVersionThanTheOneThisStoreWroteGetsTheNewContent() {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("one"), Condition.ifAbsent());
        String second = store.put(KEY, bytes("two"), Condition.ifMatch(first));

        assertThat(store.getUnlessUnchanged(KEY, first)).isInstanceOfSatisfying(Reread.Changed.class, changed -> {
            assertThat(changed.object().content()).isEqualTo(bytes("two"));
            assertThat(changed.object().etag()).isEqualTo(second);
        });
        assertThat(store.getUnlessUnchanged(KEY, second)).isInstanceOf(Reread.Unchanged.class);
    }

    @Test
    void filesAreTheOwnersOnly() throws IOException {
        var store = new LocalObjectStore(dataDir);
        store.put(KEY, bytes("private"), Condition.ifAbsent());
        store.put("artifacts/date=2026-12-01/a.json", bytes("{}"), Condition.ifAbsent());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(KEY))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(dataDir.resolve("artifacts/date=2026-12-01/a.json"))))
                .isEqualTo("rw-------");
    }

    @Test
    void aRemovedFileIsAbsentAndMayBeWrittenAgain() throws IOException {
        var store = new LocalObjectStore(dataDir);
        store.put(KEY, bytes("one"), Condition.ifAbsent());
        Files.delete(dataDir.resolve(KEY));

        assertThat(store.get(KEY)).isEmpty();
        assertThat(store.list("conversations/p/")).isEmpty();
        assertThat(store.put(KEY, bytes("new"), Condition.ifAbsent())).isEqualTo(LocalObjectStore.etag(bytes("new")));
    }

    @Test
    void aReplacementWritesIntoTheFileTheOneBeforeMovedOutAndCreatesNoFile() throws IOException {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("{\"a\":\"the first, and longest, version\"}"), Condition.ifAbsent());
        Object firstFile = fileKey(file());

        String second = store.put(KEY, bytes("{\"a\":2}"), Condition.ifMatch(first));
        assertThat(Files.readString(file())).isEqualTo("{\"a\":2}");
        assertThat(fileKey(spare())).as("the first file, kept").isEqualTo(firstFile);
        assertThat(Files.size(spare()))
                .as("and emptied: nothing of an old version stays behind")
                .isZero();
        Object secondFile = fileKey(file());

        String third = store.put(KEY, bytes("{\"a\":3}"), Condition.ifMatch(second));
        assertThat(fileKey(file())).as("the first file, written again").isEqualTo(firstFile);
        assertThat(Files.readString(file())).isEqualTo("{\"a\":3}");
        assertThat(fileKey(spare())).isEqualTo(secondFile);
        assertThat(Files.size(spare())).isZero();
        assertThat(third).isEqualTo(LocalObjectStore.etag(bytes("{\"a\":3}")));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file())))
                .isEqualTo("rw-------");
        try (var files = Files.list(dataDir.resolve("conversations/p"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("one.json", ".one.json.spare");
        }
        assertThat(store.list("conversations/p/")).extracting(Listed::key).containsExactly(KEY);
        // A store that has seen none of it reads the same.
        assertThat(new LocalObjectStore(dataDir).get(KEY).map(StoredObject::etag))
                .contains(third);
    }

    @Test
    void aSpareThatIsStillTheTargetsOwnFileIsNeverWrittenInto() throws IOException {
        var store = new LocalObjectStore(dataDir);
        String first = store.put(KEY, bytes("{\"a\":1}"), Condition.ifAbsent());
        Object firstFile = fileKey(file());
        // As a replacement leaves it when it stops between naming the spare and moving the new file in.
        Files.createLink(spare(), file());

        store.put(KEY, bytes("{\"a\":2}"), Condition.ifMatch(first));

        // Written into, the target's own file would have been the new file and the emptied spare at once.
        assertThat(Files.readString(file())).isEqualTo("{\"a\":2}");
        assertThat(fileKey(file())).isNotEqualTo(firstFile);
        assertThat(fileKey(spare())).isEqualTo(firstFile);
    }

    @Test
    void concurrentReplacementsAndReadsSeeOnlyWholeVersions() throws Exception {
        var store = new LocalObjectStore(dataDir);
        store.put(KEY, bytes(version(0, 0)), Condition.ifAbsent());
        int writers = 4;
        int writes = 150;
        var torn = new java.util.concurrent.ConcurrentLinkedQueue<String>();
        var done = new java.util.concurrent.atomic.AtomicBoolean();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(writers + 2)) {
            var readers = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int r = 0; r < 2; r++) {
                readers.add(pool.submit(() -> {
                    while (!done.get()) {
                        String read = new String(store.get(KEY).orElseThrow().content(), StandardCharsets.UTF_8);
                        if (!read.matches("\\{\"w\":\\d+,\"i\":\\d+,\"pad\":\"x*\"}")) {
                            torn.add(read);
                        }
                    }
                    return null;
                }));
            }
            var writing = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int w = 1; w <= writers; w++) {
                int writer = w;
                writing.add(pool.submit(() -> {
                    for (int i = 0; i < writes; i++) {
                        while (true) { // read, then write if nobody wrote meanwhile, as the conversation store does
                            String tag = store.get(KEY).orElseThrow().etag();
                            try {
                                store.put(KEY, bytes(version(writer, i)), Condition.ifMatch(tag));
                                break;
                            } catch (ConditionFailedException e) {
                                // another writer's version came first: read it and try again
                            }
                        }
                    }
                    return null;
                }));
            }
            for (var future : writing) {
                future.get();
            }
            done.set(true);
            for (var future : readers) {
                future.get();
            }
        }
        assertThat(torn).isEmpty();
        try (var files = Files.list(dataDir.resolve("conversations/p"))) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("one.json", ".one.json.spare");
        }
    }

    /** A version of a different length per write, so that a file written over a longer one must be shortened. */
    private static String version(int writer, int i) {
        return "{\"w\":" + writer + ",\"i\":" + i + ",\"pad\":\"" + "x".repeat((writer * 37 + i * 11) % 300) + "\"}";
    }

    private Path file() {
        return dataDir.resolve(KEY);
    }

    /** Where the store keeps the file the last replacement of {@link #KEY} moved out. */
    private Path spare() {
        return dataDir.resolve("conversations/p/.one.json.spare");
    }

    private static Object fileKey(Path file) throws IOException {
        return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class)
                .fileKey();
    }

    @Test
    void theRememberedVersionsAreBoundedTheMostRecentlyUsedKept() throws IOException {
        var versions = new FileVersions(2);
        Path a = Files.writeString(dataDir.resolve("a"), "a");
        Path b = Files.writeString(dataDir.resolve("b"), "b");
        Path c = Files.writeString(dataDir.resolve("c"), "c");
        var va = FileVersions.versionOf(a).orElseThrow();
        var vb = FileVersions.versionOf(b).orElseThrow();
        var vc = FileVersions.versionOf(c).orElseThrow();

        versions.remember("a", va, "tag-a");
        versions.remember("b", vb, "tag-b");
        assertThat(versions.etag("a", va)).contains("tag-a"); // a is now the most recently used
        versions.remember("c", vc, "tag-c");

        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.etag("b", vb)).isEmpty();
        assertThat(versions.etag("a", va)).contains("tag-a");
        assertThat(versions.etag("c", vc)).contains("tag-c");
        assertThat(versions.etag("a", vb)).as("another version of the key").isEmpty();
        assertThat(FileVersions.versionOf(dataDir.resolve("missing"))).isEmpty();
        assertThat(FileVersions.versionOf(dataDir)).as("a folder is no file").isEmpty();
    }
}
