package dev.bedrockchat.infra.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads synthesized CloudFormation values in tests. */
public final class Cfn {
    private Cfn() {}

    /**
     * Renders a value with intrinsic functions as one string: {@code Fn::Join} joined, {@code Ref X} as
     * {@code ${X}}, {@code Fn::GetAtt [X, A]} as {@code ${X.A}}, {@code Fn::ImportValue N} as {@code ${import:N}}.
     */
    public static String flatten(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof Map<?, ?> map) {
            if (map.containsKey("Fn::Join")) {
                List<?> join = (List<?>) map.get("Fn::Join");
                return ((List<?>) join.get(1))
                        .stream().map(Cfn::flatten).collect(Collectors.joining((String) join.get(0)));
            }
            if (map.containsKey("Ref")) {
                return "${" + map.get("Ref") + "}";
            }
            if (map.containsKey("Fn::ImportValue")) {
                return "${import:" + flatten(map.get("Fn::ImportValue")) + "}";
            }
            if (map.containsKey("Fn::GetAtt")) {
                List<?> getAtt = (List<?>) map.get("Fn::GetAtt");
                return "${" + getAtt.get(0) + "." + getAtt.get(1) + "}";
            }
        }
        return String.valueOf(value);
    }

    /** A single value or a list, as a list. */
    public static List<Object> list(Object value) {
        if (value instanceof List<?> list) {
            return new ArrayList<>(list);
        }
        return value == null ? List.of() : List.of(value);
    }

    /** A single value or a list, flattened to strings. */
    public static List<String> strings(Object value) {
        return list(value).stream().map(Cfn::flatten).toList();
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    /** The Properties of a resource found with Template.findResources. */
    public static Map<String, Object> properties(Map<String, Object> resource) {
        return map(resource.get("Properties"));
    }

    /** The only resource of a findResources result. */
    public static Map<String, Object> only(Map<String, Map<String, Object>> resources) {
        if (resources.size() != 1) {
            throw new AssertionError("expected one resource, found " + resources.keySet());
        }
        return resources.values().iterator().next();
    }
}
