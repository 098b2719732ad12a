package dev.bedrockchat.function.keys;

/** A key just created: the only time the key itself is shown. */
public record CreatedKey(String id, String name, String key, String createdAt) {}
