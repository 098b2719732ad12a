package dev.bedrockchat.infra.support;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Maps whose iteration order is the order they were written in. Every map that reaches a CloudFormation template
 * (conditions, tags, environment variables, request parameters, policies by name) is made here, so that the
 * synthesized templates are the same byte for byte in every JVM: the iteration order of {@code Map.of} changes from
 * one JVM to the next, and so would the templates.
 */
public final class Ordered {
    private Ordered() {}

    /** An empty, unmodifiable map. */
    public static <K, V> Map<K, V> map() {
        return Collections.emptyMap();
    }

    /** An unmodifiable map of one entry. */
    public static <K, V> Map<K, V> map(K k1, V v1) {
        return entries(Map.entry(k1, v1));
    }

    /** An unmodifiable map of two entries, in this order. */
    public static <K, V> Map<K, V> map(K k1, V v1, K k2, V v2) {
        return entries(Map.entry(k1, v1), Map.entry(k2, v2));
    }

    /** An unmodifiable map of three entries, in this order. */
    public static <K, V> Map<K, V> map(K k1, V v1, K k2, V v2, K k3, V v3) {
        return entries(Map.entry(k1, v1), Map.entry(k2, v2), Map.entry(k3, v3));
    }

    /** An unmodifiable map of four entries, in this order. */
    public static <K, V> Map<K, V> map(K k1, V v1, K k2, V v2, K k3, V v3, K k4, V v4) {
        return entries(Map.entry(k1, v1), Map.entry(k2, v2), Map.entry(k3, v3), Map.entry(k4, v4));
    }

    /**
     * An unmodifiable map of {@code entries}, in this order.
     *
     * @throws IllegalArgumentException when a key repeats (as {@code Map.of} does)
     */
    @SafeVarargs
    public static <K, V> Map<K, V> entries(Map.Entry<K, V>... entries) {
        Map<K, V> map = new LinkedHashMap<>();
        for (Map.Entry<K, V> entry : entries) {
            if (map.containsKey(entry.getKey())) {
                throw new IllegalArgumentException("repeated key: " + entry.getKey());
            }
            map.put(entry.getKey(), entry.getValue());
        }
        return Collections.unmodifiableMap(map);
    }
}
