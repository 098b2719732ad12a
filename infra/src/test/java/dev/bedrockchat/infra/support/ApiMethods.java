package dev.bedrockchat.infra.support;

import static dev.bedrockchat.infra.support.Cfn.map;
import static dev.bedrockchat.infra.support.Cfn.properties;

import java.util.Map;
import java.util.TreeMap;
import software.amazon.awscdk.assertions.Template;

/** The methods of the REST API in a template, by route. */
public final class ApiMethods {
    private ApiMethods() {}

    /** Every method's properties by {@code "<HTTP method> <path>"}, e.g. {@code "ANY /v1/{proxy+}"}, sorted. */
    public static Map<String, Map<String, Object>> byRoute(Template template) {
        Map<String, Map<String, Object>> routes = new TreeMap<>();
        template.findResources("AWS::ApiGateway::Method").values().forEach(resource -> {
            Map<String, Object> method = properties(resource);
            routes.put(method.get("HttpMethod") + " " + path(template, method.get("ResourceId")), method);
        });
        return routes;
    }

    /** The properties of the method of {@code route}. */
    public static Map<String, Object> of(Template template, String route) {
        Map<String, Object> method = byRoute(template).get(route);
        if (method == null) {
            throw new AssertionError(
                    "no method " + route + " in " + byRoute(template).keySet());
        }
        return method;
    }

    /** The path of an API Gateway resource, from its PathPart and parents. */
    private static String path(Template template, Object resourceId) {
        String id = (String) map(resourceId).get("Ref");
        Map<String, Object> resource =
                properties(template.findResources("AWS::ApiGateway::Resource").get(id));
        Object parent = resource.get("ParentId");
        String parentPath = parent instanceof Map<?, ?> ref && ref.containsKey("Ref") ? path(template, parent) : "";
        return parentPath + "/" + resource.get("PathPart");
    }
}
