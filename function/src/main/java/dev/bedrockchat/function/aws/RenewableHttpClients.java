package dev.bedrockchat.function.aws;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.async.AsyncExecuteRequest;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.utils.AttributeMap;

/**
 * HTTP clients whose connection pools can be dropped at once: each delegates to a client it can replace by a new one
 * (with an empty pool), closing the old one. After a SnapStart restore the connections pooled in the snapshot are
 * dead, or shared with every other copy restored from it; {@link AwsClients#renewConnections()} replaces them before
 * the first request is let in (no call is in flight then).
 */
final class RenewableHttpClients {
    private RenewableHttpClients() {}

    /** Something whose connections can be renewed. */
    interface Renewable extends AutoCloseable {
        void renew();

        /** The client in use now (for the check that a renewal replaced it). */
        AutoCloseable current();

        @Override
        void close();
    }

    /** A synchronous client (the SDK is handed it, and does not close it: {@link AwsClients} does). */
    static final class Sync implements SdkHttpClient, Renewable {
        private final Supplier<SdkHttpClient> factory;
        private volatile SdkHttpClient current;

        Sync(Supplier<SdkHttpClient> factory) {
            this.factory = factory;
            this.current = factory.get();
        }

        @Override
        public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
            return current.prepareRequest(request);
        }

        @Override
        public String clientName() {
            return current.clientName();
        }

        @Override
        public synchronized void renew() {
            SdkHttpClient old = current;
            current = factory.get();
            old.close();
        }

        @Override
        public AutoCloseable current() {
            return current;
        }

        @Override
        public void close() {
            current.close();
        }
    }

    /** An asynchronous client, built by the SDK from {@link AsyncBuilder} with the service's HTTP defaults. */
    static final class Async implements SdkAsyncHttpClient, Renewable {
        private final Supplier<SdkAsyncHttpClient> factory;
        private volatile SdkAsyncHttpClient current;

        Async(Supplier<SdkAsyncHttpClient> factory) {
            this.factory = factory;
            this.current = factory.get();
        }

        @Override
        public CompletableFuture<Void> execute(AsyncExecuteRequest request) {
            return current.execute(request);
        }

        @Override
        public String clientName() {
            return current.clientName();
        }

        @Override
        public synchronized void renew() {
            SdkAsyncHttpClient old = current;
            current = factory.get();
            old.close();
        }

        @Override
        public AutoCloseable current() {
            return current;
        }

        @Override
        public void close() {
            current.close();
        }
    }

    /**
     * Hands the SDK a renewable client built from {@code builder} with the defaults the SDK passes for its service
     * (for Bedrock Runtime's streaming client: HTTP/2 negotiated by ALPN), exactly as the SDK would build it itself.
     */
    static final class AsyncBuilder implements SdkAsyncHttpClient.Builder<AsyncBuilder> {
        private final SdkAsyncHttpClient.Builder<?> builder;
        private final java.util.function.Consumer<Async> built;

        AsyncBuilder(SdkAsyncHttpClient.Builder<?> builder, java.util.function.Consumer<Async> built) {
            this.builder = builder;
            this.built = built;
        }

        @Override
        public SdkAsyncHttpClient buildWithDefaults(AttributeMap serviceDefaults) {
            var client = new Async(() -> builder.buildWithDefaults(serviceDefaults));
            built.accept(client);
            return client;
        }
    }
}
