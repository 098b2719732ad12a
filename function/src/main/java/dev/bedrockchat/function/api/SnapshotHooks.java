package dev.bedrockchat.function.api;

import java.util.Map;

/**
 * What the function does at Lambda SnapStart's snapshot boundary. Behind the Lambda Web Adapter (1.1.0 and later) the
 * adapter POSTs, with an empty body, to AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH before the snapshot is taken and to
 * AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH after a restore, before any request is let in; that second call is how the
 * function learns it was restored. Any answer but 2xx fails the phase. The adapter answers 403 to a request from
 * outside for either path, and the function itself answers them only for the adapter's own calls (see
 * {@link SnapshotHandler}).
 */
public interface SnapshotHooks {
    /** AWS_LWA_SNAPSTART_BEFORE_CHECKPOINT_PATH: outside /api and /v1, so API Gateway never routes to it. */
    String BEFORE_CHECKPOINT_PATH = "/snapstart/before-checkpoint";

    /** AWS_LWA_SNAPSTART_AFTER_RESTORE_PATH. */
    String AFTER_RESTORE_PATH = "/snapstart/after-restore";

    /**
     * Runs the chat path once (without calling the model), so that the snapshot holds loaded, linked and compiled
     * code.
     *
     * @return what was done, for the log line
     */
    Map<String, Object> beforeCheckpoint();

    /**
     * Renews what must differ between restored copies (random generators, pooled connections).
     *
     * @return what was renewed, for the log line
     */
    Map<String, Object> afterRestore();

    /** No hooks (a function that is never snapshotted): both paths are unknown routes. */
    SnapshotHooks NONE = new SnapshotHooks() {
        @Override
        public Map<String, Object> beforeCheckpoint() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Object> afterRestore() {
            throw new UnsupportedOperationException();
        }
    };
}
