package io.kairos.ray;

import io.ray.api.concurrencygroup.ConcurrencyGroup;
import io.ray.api.concurrencygroup.annotations.DefConcurrencyGroup;
import io.ray.api.concurrencygroup.annotations.UseConcurrencyGroup;
import io.ray.api.function.RayFuncR;

import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Ray's concurrency-group annotations on an actor class, as {@link RayConcurrencyGroup}s: each
 * {@code @DefConcurrencyGroup(name, maxConcurrency)} on the class (or its superclasses, the annotation is inherited, or
 * its interfaces) is a group created with the actor, and a method annotated {@code @UseConcurrencyGroup(name)} is
 * declared in that group, so its calls run there unless a call names another group ({@code setConcurrencyGroup}).
 * Ray's {@code ActorCreator} asks for them when it is made ({@code RayRuntime.extractConcurrencyGroups}); an explicit
 * {@code setConcurrencyGroups(...)} on the creator replaces them, as in Ray.
 *
 * <p>Read once per actor class and once per constructor reference (two {@link ClassValue}s), never per call.
 * Thread-safety: any thread.
 */
final class RayConcurrencyAnnotations {
    /** The groups of each actor class. */
    private static final ClassValue<List<ConcurrencyGroup>> BY_ACTOR_CLASS = new ClassValue<>() {
        @Override
        protected List<ConcurrencyGroup> computeValue(final Class<?> type) {
            return read(type);
        }
    };

    /**
     * The groups of the class each constructor reference (a lambda's class) makes, filled on the first creation through
     * it (reading the class needs a lambda of it, which a ClassValue is not given).
     */
    private static final ClassValue<Cached> BY_CONSTRUCTOR = new ClassValue<>() {
        @Override
        protected Cached computeValue(final Class<?> lambdaClass) {
            return new Cached();
        }
    };

    private static final class Cached {
        volatile List<ConcurrencyGroup> groups;
    }

    private RayConcurrencyAnnotations() {
    }

    /**
     * The groups the annotations of the actor class this constructor makes declare.
     *
     * @param constructor the constructor reference or factory lambda given to {@code Ray.actor}
     * @return the groups, unmodifiable, empty when the class has no annotations
     * @throws IllegalArgumentException if a method uses a group the class does not define, or a limit is below 1
     */
    static List<ConcurrencyGroup> of(final RayFuncR<?> constructor) {
        if (constructor == null) {
            return List.of();
        }
        final Cached cached = BY_CONSTRUCTOR.get(constructor.getClass());
        List<ConcurrencyGroup> groups = cached.groups;
        if (groups == null) {
            final Class<?> actorClass = actorClass(constructor);
            groups = actorClass == null ? List.of() : BY_ACTOR_CLASS.get(actorClass);
            cached.groups = groups;
        }
        return groups;
    }

    /** The class a constructor reference (or factory lambda) returns, from its serialized form; null if not one. */
    private static Class<?> actorClass(final RayFuncR<?> constructor) {
        try {
            final Method writeReplace = constructor.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            final Object replaced = writeReplace.invoke(constructor);
            if (!(replaced instanceof SerializedLambda)) {
                return null;
            }
            final ClassLoader loader = constructor.getClass().getClassLoader();
            return MethodType.fromMethodDescriptorString(((SerializedLambda) replaced).getInstantiatedMethodType(),
                loader).returnType();
        } catch (final ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** The groups an actor class's annotations declare, with their methods. */
    private static List<ConcurrencyGroup> read(final Class<?> actorClass) {
        final Map<String, Integer> limits = new LinkedHashMap<>();
        define(actorClass, limits);
        for (final Class<?> type : interfaces(actorClass)) {
            define(type, limits);
        }
        if (limits.isEmpty()) {
            return List.of();
        }
        final Map<String, List<String>> methods = new LinkedHashMap<>();
        limits.keySet().forEach(name -> methods.put(name, new ArrayList<>()));
        final Set<String> seen = new HashSet<>();  // name + descriptor: the most derived declaration wins
        final List<Method> candidates = new ArrayList<>();
        for (Class<?> c = actorClass; c != null && c != Object.class; c = c.getSuperclass()) {
            candidates.addAll(List.of(c.getDeclaredMethods()));
        }
        candidates.addAll(List.of(actorClass.getMethods()));  // default methods of interfaces
        for (final Method method : candidates) {
            if (method.isBridge() || method.isSynthetic() || !seen.add(method.getName() + descriptor(method))) {
                continue;
            }
            final UseConcurrencyGroup use = method.getAnnotation(UseConcurrencyGroup.class);
            if (use == null) {
                continue;
            }
            final List<String> group = methods.get(use.name());
            if (group == null) {
                throw new IllegalArgumentException(actorClass.getName() + "." + method.getName() + " uses concurrency "
                    + "group '" + use.name() + "', which " + actorClass.getSimpleName() + " does not define with "
                    + "@DefConcurrencyGroup; it defines " + limits.keySet());
            }
            // a method reference names the method's class or the class it is called on: both lead here
            group.add(key(method.getDeclaringClass(), method));
            if (method.getDeclaringClass() != actorClass) {
                group.add(key(actorClass, method));
            }
        }
        final List<ConcurrencyGroup> groups = new ArrayList<>(limits.size());
        for (final Map.Entry<String, Integer> limit : limits.entrySet()) {
            groups.add(new RayConcurrencyGroup(limit.getKey(), limit.getValue(),
                List.copyOf(methods.get(limit.getKey()))));
        }
        return List.copyOf(groups);
    }

    /** The groups a class or interface defines, added unless a more specific type defined the name first. */
    private static void define(final Class<?> type, final Map<String, Integer> limits) {
        for (final DefConcurrencyGroup def : type.getAnnotationsByType(DefConcurrencyGroup.class)) {
            RayConcurrencyGroup.checkLimit(def.name(), def.maxConcurrency());
            limits.putIfAbsent(def.name(), def.maxConcurrency());
        }
    }

    private static Set<Class<?>> interfaces(final Class<?> type) {
        final Set<Class<?>> all = new java.util.LinkedHashSet<>();
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            for (final Class<?> i : c.getInterfaces()) {
                all.add(i);
                all.addAll(interfaces(i));
            }
        }
        return all;
    }

    /** As {@link RayFunctions#methodKey} names a method reference to this method on that class. */
    private static String key(final Class<?> owner, final Method method) {
        return owner.getName().replace('.', '/') + "." + method.getName() + descriptor(method);
    }

    private static String descriptor(final Method method) {
        return MethodType.methodType(method.getReturnType(), method.getParameterTypes()).toMethodDescriptorString();
    }
}
