package dev.bedrockchat.function;

import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * An S3-compatible server in the test JVM (s3proxy, in-memory store), checking SigV4 with the fake credentials.
 *
 * <p>Two things sit in front of s3proxy's store:
 *
 * <ul>
 *   <li>Conditional writes are atomic, as in S3: s3proxy compares {@code If-Match} apart from its write, so under
 *       truly concurrent writers several with the same ETag would all succeed; here one conditional write per key
 *       runs at a time, and its condition is checked again inside it.</li>
 *   <li>Faults on demand, for the outage tests: every object request answered with an HTTP error status
 *       ({@link #failWith(int)}), or answered only after a delay ({@link #delay(Duration)}); {@link #heal()} ends
 *       them. (A store that is down altogether is a closed port, which needs no server.)</li>
 * </ul>
 */
public final class S3ProxyServer implements AutoCloseable {
    private final S3Proxy proxy;
    private final Faults faults;

    private S3ProxyServer(S3Proxy proxy, Faults faults) {
        this.proxy = proxy;
        this.faults = faults;
    }

    public static S3ProxyServer start() throws Exception {
        var faults = new Faults(new TransientNio2BlobStore());
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(faults)
                .endpoint(URI.create("http://127.0.0.1:0"))
                .awsAuthentication(
                        AuthenticationType.AWS_V2_OR_V4,
                        TestApp.FAKE_CREDENTIALS.resolveCredentials().accessKeyId(),
                        TestApp.FAKE_CREDENTIALS.resolveCredentials().secretAccessKey())
                .build();
        proxy.start();
        while (!proxy.getState().equals("STARTED")) {
            Thread.sleep(10);
        }
        return new S3ProxyServer(proxy, faults);
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + proxy.getPort());
    }

    /** Every later object request (read, write, list) is answered with this HTTP status (such as 503). */
    public void failWith(int status) {
        faults.status = status;
    }

    /** Every later object request is answered only after this delay. */
    public void delay(Duration delay) {
        faults.delay = delay;
    }

    /** Ends the faults. */
    public void heal() {
        faults.status = 0;
        faults.delay = Duration.ZERO;
    }

    @Override
    public void close() throws Exception {
        heal();
        proxy.stop();
    }

    /** s3proxy's store with atomic conditional writes and injectable faults. */
    private static final class Faults extends ForwardingBlobStore {
        private final ConcurrentHashMap<String, ReentrantLock> keys = new ConcurrentHashMap<>();
        volatile int status;
        volatile Duration delay = Duration.ZERO;

        Faults(BlobStore store) {
            super(store);
        }

        @Override
        public PutObjectResponse putBlob(PutObjectRequest request, InputStream input) {
            fault();
            if (request.ifMatch() == null && request.ifNoneMatch() == null) {
                return super.putBlob(request, input);
            }
            ReentrantLock lock =
                    keys.computeIfAbsent(request.bucket() + "/" + request.key(), key -> new ReentrantLock());
            lock.lock();
            try {
                HeadObjectResponse current = delegate().blobMetadataIfPresent(request.bucket(), request.key());
                boolean holds = request.ifMatch() != null
                        ? current != null && unquoted(current.eTag()).equals(unquoted(request.ifMatch()))
                        : current == null;
                if (!holds) {
                    throw S3Exceptions.fromStatusCode(412);
                }
                return super.putBlob(request, input);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public ResponseInputStream<GetObjectResponse> getBlob(GetObjectRequest request) {
            fault();
            return super.getBlob(request);
        }

        @Override
        public ListObjectsV2Response list(ListObjectsV2Request request) {
            fault();
            return super.list(request);
        }

        private void fault() {
            Duration wait = delay;
            if (!wait.isZero()) {
                try {
                    Thread.sleep(wait);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (status != 0) {
                throw S3Exceptions.fromStatusCode(status);
            }
        }

        private static String unquoted(String etag) {
            return etag == null ? "" : etag.replace("\"", "");
        }
    }
}
