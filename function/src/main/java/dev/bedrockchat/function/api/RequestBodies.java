package dev.bedrockchat.function.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.OptionalLong;

/** Reads request bodies up to a limit, and not one byte further. */
final class RequestBodies {
    private RequestBodies() {}

    static byte[] read(InputStream body, OptionalLong declaredLength, int limit) throws IOException {
        if (declaredLength.isPresent() && declaredLength.getAsLong() > limit) {
            throw tooLarge(limit);
        }
        byte[] bytes = body.readNBytes(limit + 1);
        if (bytes.length > limit) {
            throw tooLarge(limit);
        }
        return bytes;
    }

    private static ApiException tooLarge(int limit) {
        return new ApiException(
                HttpError.PAYLOAD_TOO_LARGE,
                "The request body is larger than " + (limit / 1024) + " KiB; send a shorter message");
    }
}
