package dev.bedrockchat.function.chat;

import java.util.Objects;

/** One message of a conversation as sent to the model. */
public record ChatMessage(Role role, String content) {
    public enum Role {
        USER("user"),
        ASSISTANT("assistant");

        private final String wireName;

        Role(String wireName) {
            this.wireName = wireName;
        }

        /** The role's name in the API and in stored documents. */
        public String wireName() {
            return wireName;
        }

        public static Role fromWireName(String name) {
            for (Role role : values()) {
                if (role.wireName.equals(name)) {
                    return role;
                }
            }
            throw new IllegalArgumentException("Unknown role: " + name);
        }
    }

    public ChatMessage {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }

    public static ChatMessage user(String content) {
        return new ChatMessage(Role.USER, content);
    }

    public static ChatMessage assistant(String content) {
        return new ChatMessage(Role.ASSISTANT, content);
    }
}
