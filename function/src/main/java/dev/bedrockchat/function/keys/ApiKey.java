package dev.bedrockchat.function.keys;

/**
 * An API key as its owner sees it listed: never the key or its hash, only what tells one key from another.
 *
 * @param prefix     the key's first 12 characters ({@code bck_} and 8 more)
 * @param lastUsedAt when a program last called with it (to the minute); null when never
 */
public record ApiKey(String id, String name, String prefix, String createdAt, String lastUsedAt) {}
