package dev.bedrockchat.function.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The page's files from one folder (STATIC_DIR). A request path is percent-decoded, normalized and must stay inside
 * the folder (symbolic links included); hidden files are never served. {@code /} serves {@code index.html}.
 */
public final class StaticFiles {
    private final Path root;

    /** One file to serve. */
    public record StaticFile(byte[] content, String contentType, String cacheControl) {}

    /**
     * @throws IOException when the folder does not exist
     */
    public StaticFiles(Path folder) throws IOException {
        this.root = folder.toRealPath();
        if (!Files.isDirectory(root)) {
            throw new IOException(folder + " is not a folder");
        }
    }

    public Path root() {
        return root;
    }

    /** The file for a raw request path, or empty when there is none (or the path is not acceptable). */
    public Optional<StaticFile> find(String rawPath) throws IOException {
        Optional<String> decoded = PercentDecoding.decode(rawPath);
        if (decoded.isEmpty() || !decoded.get().startsWith("/")) {
            return Optional.empty();
        }
        String path = decoded.get();
        if (path.endsWith("/")) {
            path = path + "index.html";
        }
        String relative = path.substring(1);
        if (relative.isEmpty() || relative.contains("\\") || relative.contains("\0")) {
            return Optional.empty();
        }
        for (String segment : relative.split("/")) {
            if (segment.startsWith(".") || segment.isEmpty()) {
                return Optional.empty();
            }
        }
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root) || !Files.isRegularFile(candidate)) {
            return Optional.empty();
        }
        Path real = candidate.toRealPath();
        if (!real.startsWith(root) || !Files.isRegularFile(real)) {
            return Optional.empty();
        }
        String name = real.getFileName().toString();
        String contentType = ContentTypes.forFileName(name);
        String cacheControl = contentType.startsWith("text/html") ? "no-cache" : "public, max-age=300";
        return Optional.of(new StaticFile(Files.readAllBytes(real), contentType, cacheControl));
    }
}
