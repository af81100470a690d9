package io.kairos.ray;

import io.ray.api.exception.RuntimeEnvException;
import io.ray.api.runtimeenv.RuntimeEnv;
import io.ray.api.runtimeenv.RuntimeEnvConfig;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A runtime environment as Ray's API builds one: fields kept and shown as JSON. The embedded kernel runs every task in
 * this JVM's environment (or its worker JVMs', configured once), so a runtime environment given to a task or an actor
 * is accepted and has no effect; the adapter logs that once.
 */
final class RayRuntimeEnv implements RuntimeEnv {
    private final Map<String, Object> fields = new LinkedHashMap<>();
    private RuntimeEnvConfig config;

    @Override
    public void set(final String name, final Object value) {
        fields.put(name, value);
    }

    @Override
    public void setJsonStr(final String name, final String json) {
        fields.put(name, new RawJson(json));
    }

    @Override
    public <T> T get(final String name, final Class<T> type) throws RuntimeEnvException {
        final Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        if (!type.isInstance(value)) {
            throw new RuntimeEnvException("runtime env field '" + name + "' is a " + value.getClass().getName()
                + ", not a " + type.getName());
        }
        return type.cast(value);
    }

    @Override
    public String getJsonStr(final String name) {
        final Object value = fields.get(name);
        return value == null ? null : json(value);
    }

    @Override
    public boolean contains(final String name) {
        return fields.containsKey(name);
    }

    @Override
    public boolean remove(final String name) {
        return fields.remove(name) != null;
    }

    @Override
    public String serialize() {
        return json(fields);
    }

    @Override
    public boolean isEmpty() {
        return fields.isEmpty();
    }

    @Override
    public String serializeToRuntimeEnvInfo() {
        return "{\"serialized_runtime_env\":" + json(serialize()) + "}";
    }

    @Override
    public void setConfig(final RuntimeEnvConfig config) {
        this.config = config;
    }

    @Override
    public RuntimeEnvConfig getConfig() {
        return config;
    }

    @Override
    public String toString() {
        return serialize();
    }

    /** A field given as JSON text. */
    private record RawJson(String json) {
    }

    private static String json(final Object value) {
        final StringBuilder out = new StringBuilder();
        write(out, value);
        return out.toString();
    }

    private static void write(final StringBuilder out, final Object value) {
        if (value == null) {
            out.append("null");
        } else if (value instanceof RawJson) {
            out.append(((RawJson) value).json());
        } else if (value instanceof Number || value instanceof Boolean) {
            out.append(value);
        } else if (value instanceof Map) {
            out.append('{');
            String sep = "";
            for (final Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                out.append(sep);
                write(out, String.valueOf(e.getKey()));
                out.append(':');
                write(out, e.getValue());
                sep = ",";
            }
            out.append('}');
        } else if (value instanceof Collection || value instanceof Object[]) {
            final Iterable<?> items = value instanceof Collection ? (Collection<?>) value
                : java.util.Arrays.asList((Object[]) value);
            out.append('[');
            String sep = "";
            for (final Object item : items) {
                out.append(sep);
                write(out, item);
                sep = ",";
            }
            out.append(']');
        } else {
            out.append('"');
            for (final char c : value.toString().toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            out.append('"');
        }
    }
}
