package dev.bedrockchat.function.chat;

import java.io.IOException;

/** The port to the artifact archive: every exchange is kept as one JSON object under a key. */
public interface ArtifactStore {

    /**
     * Writes one artifact.
     *
     * @param key  e.g. {@code artifacts/date=2025-01-31/101502.123Z-<requestId>.json}
     * @param json the artifact, UTF-8 JSON
     */
    void put(String key, byte[] json) throws IOException;
}
