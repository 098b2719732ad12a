package dev.bedrockchat.function;

import dev.bedrockchat.function.api.SnapshotHooks;
import dev.bedrockchat.function.aws.AwsClients;
import dev.bedrockchat.function.chat.RandomIds;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The function's SnapStart hooks (behind the Lambda Web Adapter): before the snapshot, {@link Priming} runs the chat
 * path, and the hook waits for the SDK clients still being built, so that the snapshot holds them; after a restore,
 * what must differ between the copies restored from one snapshot is renewed: the generator of conversation ids, and
 * every pooled connection of the SDK's HTTP clients (in the snapshot they are dead, or shared with every other copy).
 * Time needs no renewal: every deadline and cache here reads the clock when it is used.
 */
final class Snapshots implements SnapshotHooks {
    private static final Duration CLIENTS_BUILT_WITHIN = Duration.ofSeconds(30);

    private final Priming priming;
    private final RandomIds ids;
    private final AwsClients aws;

    Snapshots(Priming priming, RandomIds ids, AwsClients aws) {
        this.priming = priming;
        this.ids = ids;
        this.aws = aws;
    }

    @Override
    public Map<String, Object> beforeCheckpoint() {
        var done = new LinkedHashMap<>(priming.run());
        done.put("clientsBuilt", aws.awaitBuilt(CLIENTS_BUILT_WITHIN));
        return done;
    }

    @Override
    public Map<String, Object> afterRestore() {
        ids.renew();
        int renewed = aws.renewConnections();
        var done = new LinkedHashMap<String, Object>();
        done.put("randomIdsRenewed", true);
        done.put("httpClientsRenewed", renewed);
        return done;
    }
}
