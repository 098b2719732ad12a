package dev.bedrockchat.function.store.local;

import dev.bedrockchat.function.chat.ArtifactStore;
import java.io.IOException;
import java.nio.file.Path;

/** Artifacts as files under {@code <dataDir>/artifacts/date=…/…json}, the same layout as in S3. */
public final class LocalArtifactStore implements ArtifactStore {
    private final Path root;

    public LocalArtifactStore(Path dataDir) {
        this.root = dataDir.normalize();
    }

    @Override
    public void put(String key, byte[] json) throws IOException {
        Path file = root.resolve(key).normalize();
        if (!file.startsWith(root)) {
            throw new IOException("Artifact key escapes the data folder: " + key);
        }
        LocalFiles.writeAtomically(file, json);
    }
}
