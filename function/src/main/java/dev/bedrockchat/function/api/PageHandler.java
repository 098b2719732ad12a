package dev.bedrockchat.function.api;

import dev.bedrockchat.function.chat.ChatException;
import dev.bedrockchat.function.http.StaticFiles;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Optional;

/** The page: the files of STATIC_DIR, for every path outside the API. */
final class PageHandler {
    private final Optional<StaticFiles> files;

    PageHandler(Optional<StaticFiles> files) {
        this.files = files;
    }

    void file(Exchange x) throws IOException {
        if (files.isEmpty()) {
            throw ChatException.notFound("No page is served here (STATIC_DIR is not set); the API is under /api/");
        }
        StaticFiles.StaticFile file = files.get()
                .find(x.request().path())
                .orElseThrow(() -> ChatException.notFound(
                        "No such file: " + Api.safePath(x.request().path())));
        var headers = new LinkedHashMap<String, String>();
        headers.put("Content-Type", file.contentType());
        headers.put("Cache-Control", file.cacheControl());
        x.send(200, headers, file.content());
    }
}
