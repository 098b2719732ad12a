package dev.bedrockchat.function.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Fetches the provider's JSON documents (discovery, key set) with the JDK's HTTP client and short timeouts, and reads
 * at most {@value #MAX_BYTES} bytes of each.
 */
final class JsonFetcher implements AutoCloseable {
    static final int MAX_BYTES = 512 * 1024;

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration timeout;

    JsonFetcher(ObjectMapper mapper, Duration connectTimeout, Duration timeout) {
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
        this.mapper = mapper;
        this.timeout = timeout;
    }

    /** A document that could not be fetched or read; the message completes "The document at <uri> …". */
    static final class FetchFailed extends Exception {
        FetchFailed(String message) {
            super(message, null, false, false);
        }
    }

    /** The JSON object at the address. */
    JsonNode get(URI uri) throws FetchFailed {
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(timeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        HttpResponse<InputStream> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (HttpTimeoutException e) {
            throw new FetchFailed("did not answer within " + timeout.toSeconds() + " s");
        } catch (ConnectException e) {
            throw new FetchFailed("could not be reached (the connection was refused or timed out)");
        } catch (IOException e) {
            throw new FetchFailed("could not be reached (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailed("was not fetched: interrupted");
        }
        try (InputStream body = response.body()) {
            if (response.statusCode() != 200) {
                throw new FetchFailed("answered HTTP " + response.statusCode() + " instead of 200");
            }
            byte[] bytes = body.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new FetchFailed("is larger than " + MAX_BYTES / 1024 + " KiB");
            }
            JsonNode node;
            try {
                node = mapper.readTree(bytes);
            } catch (IOException e) {
                node = null;
            }
            if (node == null || !node.isObject()) {
                throw new FetchFailed("is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new FetchFailed("could not be read (" + e.getClass().getSimpleName() + ")");
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
