package dev.bedrockchat.function.aws;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtAsyncHttpClient;
import software.amazon.awssdk.http.crt.AwsCrtHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeAsyncClient;
import software.amazon.awssdk.services.bedrockruntime.BedrockRuntimeClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Builds the AWS SDK clients, once, at start-up, and closes them at shutdown: explicit region, one credentials
 * provider, the AWS CRT HTTP clients (for Bedrock, each with a connection pool of BEDROCK_MAX_CONCURRENCY; one
 * synchronous client shared by S3 and Secrets Manager). An endpoint override (AWS_ENDPOINT_URL_BEDROCK_RUNTIME /
 * AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL_SECRETS_MANAGER, which the SDK also reads by itself) is passed on unchanged;
 * a plain http:// endpoint (a local stand-in) gets HTTP/1.1 on the streaming client, which otherwise speaks HTTP/2 to
 * Bedrock.
 *
 * <p>A client that the server does not need before it listens can be built {@link #inBackground}: loading the CRT's
 * native library and setting up the SDK's clients take a good part of a start, and a health check needs neither.
 */
public final class AwsClients implements AutoCloseable {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /**
     * The longest wait for a pooled connection. Model calls wait for a free one before they reach the pool (the model
     * adapter's limit equals the pool's size), so this only bounds the rare wait for a connection still closing.
     */
    private static final Duration ACQUISITION_TIMEOUT = Duration.ofSeconds(5);
    /** The shortest time the CRT client accepts for a connection without throughput (it measures whole seconds). */
    private static final Duration MIN_IDLE_TIMEOUT = Duration.ofSeconds(2);

    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final List<AutoCloseable> created = new ArrayList<>();
    private final List<RenewableHttpClients.Renewable> renewables = new ArrayList<>();
    private final List<CompletableFuture<?>> building = new ArrayList<>();
    private SdkHttpClient sharedHttpClient;
    private boolean closed;

    public AwsClients(Region region, AwsCredentialsProvider credentials) {
        this.region = region;
        this.credentials = credentials;
    }

    /**
     * The client for Converse: every call, retries included, is bounded by {@code modelTimeout}; at most
     * {@code maxConcurrency} connections (BEDROCK_MAX_CONCURRENCY).
     */
    public BedrockRuntimeClient bedrockRuntime(Optional<URI> endpoint, Duration modelTimeout, int maxConcurrency) {
        // Built here rather than by the SDK: the service's HTTP/2 default must not reach a synchronous client.
        SdkHttpClient http = renewable(() -> AwsCrtHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .connectionAcquisitionTimeout(ACQUISITION_TIMEOUT)
                .maxConcurrency(maxConcurrency)
                .build());
        var builder = BedrockRuntimeClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(http)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(modelTimeout)
                        .build());
        endpoint.ifPresent(builder::endpointOverride);
        return track(builder.build());
    }

    /**
     * The client for ConverseStream, with at most {@code maxConcurrency} connections (BEDROCK_MAX_CONCURRENCY). No
     * overall call timeout: a long answer may stream for minutes; the model adapter bounds the wait for each event
     * ({@code idleTimeout}, MODEL_TIMEOUT_SECONDS) instead.
     *
     * <p>Cancelling a stream that has opened (the model adapter cancels the event stream's subscription) closes its
     * connection (HTTP/1.1) or resets the stream (HTTP/2), but only when the CRT client receives the stream's next
     * bytes: it learns of the cancel when it hands them on. So a connection that carries no byte for
     * {@code idleTimeout} is closed by the HTTP client itself; without this a model that goes quiet mid-answer would
     * hold its connection, and a slot of the pool, for good.
     */
    public BedrockRuntimeAsyncClient bedrockRuntimeAsync(
            Optional<URI> endpoint, int maxConcurrency, Duration idleTimeout) {
        var http = AwsCrtAsyncHttpClient.builder()
                .connectionTimeout(CONNECT_TIMEOUT)
                .connectionAcquisitionTimeout(ACQUISITION_TIMEOUT)
                .connectionHealthConfiguration(health -> health.minimumThroughputInBps(1L)
                        .minimumThroughputTimeout(
                                idleTimeout.compareTo(MIN_IDLE_TIMEOUT) < 0 ? MIN_IDLE_TIMEOUT : idleTimeout))
                .maxConcurrency(maxConcurrency);
        if (endpoint.map(AwsClients::isPlainHttp).orElse(false)) {
            http.protocol(Protocol.HTTP1_1);
        }
        var builder = BedrockRuntimeAsyncClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClientBuilder(new RenewableHttpClients.AsyncBuilder(http, this::remember));
        endpoint.ifPresent(builder::endpointOverride);
        return track(builder.build());
    }

    /** The client for conversations and artifacts; a custom endpoint (S3-compatible server) uses path-style URLs. */
    public S3Client s3(Optional<URI> endpoint) {
        var builder = S3Client.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(sharedHttpClient())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(20))
                        .apiCallAttemptTimeout(Duration.ofSeconds(5))
                        .build());
        endpoint.ifPresent(uri -> builder.endpointOverride(uri).forcePathStyle(true));
        return track(builder.build());
    }

    /**
     * The client that reads the sign-in secrets at start-up (the shared token, the origin secret): a few calls, each
     * bounded, so that a start never hangs on an unreachable endpoint.
     */
    public SecretsManagerClient secretsManager(Optional<URI> endpoint) {
        var builder = SecretsManagerClient.builder()
                .region(region)
                .credentialsProvider(credentials)
                .httpClient(sharedHttpClient())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .apiCallAttemptTimeout(Duration.ofSeconds(3))
                        .build());
        endpoint.ifPresent(builder::endpointOverride);
        return track(builder.build());
    }

    /**
     * Starts {@code factory} (one of the builders here) on a thread named {@code name} and returns at once;
     * {@code failed} hears (name, reason) of a client that could not be built as soon as it fails (to log it: whoever
     * asks for the client is told too).
     */
    public <T> InBackground<T> inBackground(String name, Supplier<T> factory, BiConsumer<String, Throwable> failed) {
        var client = new CompletableFuture<T>();
        synchronized (this) {
            building.add(client);
        }
        Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                client.complete(factory.get());
            } catch (Throwable e) {
                try {
                    failed.accept(name, e); // told first, so the log has it before any caller hears of it
                } finally {
                    client.completeExceptionally(e);
                }
            }
        });
        return new InBackground<>(name, client);
    }

    /**
     * Waits until every client started {@link #inBackground} is built (or has failed), at most {@code timeout}: before
     * a SnapStart snapshot, so that it holds them built.
     *
     * @return whether all of them are built (false when one is not done in time, or could not be built)
     */
    public boolean awaitBuilt(Duration timeout) {
        List<CompletableFuture<?>> started;
        synchronized (this) {
            started = List.copyOf(building);
        }
        try {
            CompletableFuture.allOf(started.toArray(CompletableFuture[]::new))
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            return false; // one could not be built, or is not yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Closes every client made here, newest first; one still being built is closed as soon as it is done. */
    @Override
    public void close() {
        List<AutoCloseable> toClose;
        synchronized (this) {
            closed = true;
            toClose = List.copyOf(created.reversed());
            created.clear();
            renewables.clear();
        }
        toClose.forEach(AwsClients::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable client) {
        try {
            client.close();
        } catch (Exception e) {
            // Shutting down: nothing left to do about it.
        }
    }

    static boolean isPlainHttp(URI endpoint) {
        return endpoint.getScheme() != null
                && endpoint.getScheme().toLowerCase(Locale.ROOT).equals("http");
    }

    private synchronized SdkHttpClient sharedHttpClient() {
        if (sharedHttpClient == null) {
            sharedHttpClient = renewable(() -> AwsCrtHttpClient.builder()
                    .connectionTimeout(CONNECT_TIMEOUT)
                    .build());
        }
        return sharedHttpClient;
    }

    /**
     * Drops every pooled connection of every HTTP client made here: each is replaced by a new client (an empty pool)
     * and the old one closed. For the moment after a SnapStart restore, before any request is let in: the snapshot's
     * connections are dead, or shared with every other copy restored from it.
     *
     * @return how many HTTP clients were renewed
     */
    public int renewConnections() {
        awaitBuilt(Duration.ofSeconds(30)); // a client still being built would keep its pool otherwise
        synchronized (this) {
            renewables.forEach(RenewableHttpClients.Renewable::renew);
            return renewables.size();
        }
    }

    /** The HTTP clients in use now, oldest first (for the check that {@link #renewConnections()} replaced them). */
    public synchronized List<AutoCloseable> currentHttpClients() {
        return renewables.stream().map(RenewableHttpClients.Renewable::current).toList();
    }

    private RenewableHttpClients.Sync renewable(java.util.function.Supplier<SdkHttpClient> factory) {
        var client = new RenewableHttpClients.Sync(factory);
        remember(client);
        return track(client);
    }

    /** A renewable client: renewed by {@link #renewConnections()}; the sync ones are also closed here. */
    private synchronized void remember(RenewableHttpClients.Renewable client) {
        if (!closed) { // (one built after the shutdown began is closed by track, and never renewed)
            renewables.add(client);
        }
    }

    private synchronized <T extends AutoCloseable> T track(T client) {
        if (closed) {
            closeQuietly(client); // built in the background after the shutdown began
        } else {
            created.add(client);
        }
        return client;
    }
}
