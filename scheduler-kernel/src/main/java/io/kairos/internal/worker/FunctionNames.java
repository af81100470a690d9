package io.kairos.internal.worker;

import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Readable names of task functions and actor classes: {@code Demo::square}, {@code Counter}. The functions are
 * serializable lambdas or method references, so their {@link SerializedLambda} names the implementation; the
 * result is cached per function class, so naming a task costs one map lookup.
 */
public final class FunctionNames {
    private static final ConcurrentHashMap<Class<?>, String[]> NAMES = new ConcurrentHashMap<>();

    private FunctionNames() {
    }

    /** "Class::method" for a method reference, "Class::lambda" for a lambda, else the class name. */
    public static String taskName(final Object function) {
        if (function instanceof PythonFunction) {
            return ((PythonFunction) function).name();
        }
        return names(function)[0];
    }

    /** The simple name of the class a constructor reference creates (e.g. "Counter"). */
    public static String className(final Object constructor) {
        if (constructor instanceof PythonFunction) {
            return ((PythonFunction) constructor).simpleName();
        }
        return names(constructor)[1];
    }

    private static String[] names(final Object function) {
        final String[] cached = NAMES.get(function.getClass());
        return cached != null ? cached : NAMES.computeIfAbsent(function.getClass(), type -> compute(function));
    }

    private static String[] compute(final Object function) {
        final Class<?> type = function.getClass();
        try {
            final Method writeReplace = type.getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            final Object replaced = writeReplace.invoke(function);
            if (replaced instanceof SerializedLambda) {
                return fromLambda((SerializedLambda) replaced);
            }
        } catch (final ReflectiveOperationException | RuntimeException ignored) {
            // not a serializable lambda: the class name will do
        }
        return new String[] {type.getName(), type.getSimpleName()};
    }

    private static String[] fromLambda(final SerializedLambda lambda) {
        final String implClass = lambda.getImplClass().replace('/', '.');
        final String simple = implClass.substring(implClass.lastIndexOf('.') + 1).replace('$', '.');
        final String method = lambda.getImplMethodName();
        if (method.equals("<init>")) {
            return new String[] {simple + "::new", simple.substring(simple.lastIndexOf('.') + 1)};
        }
        return new String[] {simple + "::" + (method.startsWith("lambda$") ? "lambda" : method), simple};
    }
}
