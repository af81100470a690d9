package io.kairos.internal.worker;

import java.io.Serializable;
import java.util.regex.Pattern;

/**
 * A Python function or class a Python worker imports ({@code "package.module:qualified.name"}), or the name of a
 * Python actor's method: what a Python task, actor or call runs instead of a Java function.
 *
 * @param name   "module:qualname", or a method's name
 * @param method whether it is an actor's method
 */
public record PythonFunction(String name, boolean method) implements Serializable {
    private static final String IDENTIFIER = "[A-Za-z_][A-Za-z0-9_]*";
    private static final Pattern QUALIFIED = Pattern.compile(IDENTIFIER + "(\\." + IDENTIFIER + ")*");
    private static final Pattern TARGET = Pattern.compile(QUALIFIED.pattern() + ":" + QUALIFIED.pattern());
    private static final Pattern METHOD = Pattern.compile(IDENTIFIER);

    /**
     * A function or class by its import name.
     *
     * @throws IllegalArgumentException naming the field if it is not "module:qualname"
     */
    public static PythonFunction of(final String field, final String name) {
        if (name == null || !TARGET.matcher(name).matches()) {
            throw new IllegalArgumentException(field + " '" + name + "' is not 'module:name' (e.g. 'mypkg.mod:fn',"
                + " 'mypkg.models:Model'): a dotted module, a colon, a dotted name in it");
        }
        return new PythonFunction(name, false);
    }

    /**
     * An actor's method by name.
     *
     * @throws IllegalArgumentException if it is not a Python identifier
     */
    public static PythonFunction method(final String name) {
        if (name == null || !METHOD.matcher(name).matches()) {
            throw new IllegalArgumentException("method '" + name + "' is not a Python identifier");
        }
        return new PythonFunction(name, true);
    }

    /** The class or function's own name: "Model" for "mypkg.models:Model". */
    public String simpleName() {
        return name.substring(Math.max(name.lastIndexOf(':'), name.lastIndexOf('.')) + 1);
    }

    @Override
    public String toString() {
        return name;
    }
}
