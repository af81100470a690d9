package io.kairos.ray;

import io.kairos.ActorCreator;
import io.kairos.Kernel;
import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;
import io.ray.api.function.RayFunc;
import io.ray.api.function.RayFunc0;
import io.ray.api.function.RayFunc1;
import io.ray.api.function.RayFunc2;
import io.ray.api.function.RayFunc3;
import io.ray.api.function.RayFunc4;
import io.ray.api.function.RayFunc5;
import io.ray.api.function.RayFunc6;
import io.ray.api.function.RayFuncVoid;
import io.ray.api.function.RayFuncVoid0;
import io.ray.api.function.RayFuncVoid1;
import io.ray.api.function.RayFuncVoid2;
import io.ray.api.function.RayFuncVoid3;
import io.ray.api.function.RayFuncVoid4;
import io.ray.api.function.RayFuncVoid5;
import io.ray.api.function.RayFuncVoid6;
import io.ray.api.id.ActorId;

/**
 * Ray's functions as the kernel's: each Ray function ({@code RayFunc0..6}, {@code RayFuncVoid0..6}, both
 * {@code Serializable}) is wrapped in one serializable lambda of the kernel's {@code KFunc} of the same arity, which
 * calls it (a void function's result is null). So a task still works in a worker JVM: the lambda and the Ray function
 * it captures serialize together. One small object per call; the arity is the length of Ray's argument array.
 *
 * <p>Actor methods take the actor's {@link ActorBox} as their first argument (the kernel's actor instance), make it the
 * thread's current box for the call, and call the Ray method on the user's object inside it.
 */
@SuppressWarnings({"unchecked", "rawtypes"})
final class RayFunctions {
    private RayFunctions() {
    }

    /** The kernel's name of a task made here when Ray gives none (the class of these lambdas). */
    static final String KERNEL_TASK_NAME = "RayFunctions::lambda";

    /**
     * A Ray function's name as Ray's errors show it: "Class::method" for a method reference or lambda, else its
     * class. Called on the failure path only.
     */
    static String name(final Object function) {
        try {
            final java.lang.reflect.Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            final java.lang.invoke.SerializedLambda lambda = (java.lang.invoke.SerializedLambda) writeReplace.invoke(function);
            final String impl = lambda.getImplClass().replace('/', '.');
            return impl.substring(impl.lastIndexOf('.') + 1).replace('$', '.') + "::" + lambda.getImplMethodName();
        } catch (final ReflectiveOperationException | RuntimeException e) {
            return function.getClass().getName();
        }
    }

    /**
     * A Ray function's method as Ray's function descriptors name it: "implementation class.method(signature)", the
     * same for every method reference to that method; null for a function that is not a serializable lambda.
     */
    static String methodKey(final Object function) {
        try {
            final java.lang.reflect.Method writeReplace = function.getClass().getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            final java.lang.invoke.SerializedLambda lambda = (java.lang.invoke.SerializedLambda) writeReplace.invoke(function);
            return lambda.getImplClass() + "." + lambda.getImplMethodName() + lambda.getImplMethodSignature();
        } catch (final ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    private static IllegalArgumentException arity(final String what, final int n, final int max) {
        return new IllegalArgumentException(what + " with " + n + " arguments: Ray's Java API takes at most " + max);
    }


    /**
     * The kernel's function ({@code KFunc0..6}) running a Ray function of arity arguments, for
     * {@code Kernel.submit}.
     */
    static Object task(final RayFunc f, final int arity) {
        if (f == null) {
            throw new IllegalArgumentException("func is null");
        }
        if (f instanceof RayFuncVoid) {
            return voidTask(f, arity);
        }
        switch (arity) {
            case 0: {
                final RayFunc0 g = (RayFunc0) f;
                return (KFunc0<Object>) () -> g.apply();
            }
            case 1: {
                final RayFunc1 g = (RayFunc1) f;
                return (KFunc1<Object, Object>) x0 -> g.apply(x0);
            }
            case 2: {
                final RayFunc2 g = (RayFunc2) f;
                return (KFunc2<Object, Object, Object>) (x0, x1) -> g.apply(x0, x1);
            }
            case 3: {
                final RayFunc3 g = (RayFunc3) f;
                return (KFunc3<Object, Object, Object, Object>) (x0, x1, x2) -> g.apply(x0, x1, x2);
            }
            case 4: {
                final RayFunc4 g = (RayFunc4) f;
                return (KFunc4<Object, Object, Object, Object, Object>) (x0, x1, x2, x3) -> g.apply(x0, x1, x2, x3);
            }
            case 5: {
                final RayFunc5 g = (RayFunc5) f;
                return (KFunc5<Object, Object, Object, Object, Object, Object>) (x0, x1, x2, x3, x4) -> g.apply(x0, x1, x2, x3, x4);
            }
            case 6: {
                final RayFunc6 g = (RayFunc6) f;
                return (KFunc6<Object, Object, Object, Object, Object, Object, Object>) (x0, x1, x2, x3, x4, x5) -> g.apply(x0, x1, x2, x3, x4, x5);
            }
            default:
                throw arity("Ray.task", arity, 6);
        }
    }

    private static Object voidTask(final RayFunc f, final int arity) {
        switch (arity) {
            case 0: {
                final RayFuncVoid0 g = (RayFuncVoid0) f;
                return (KFunc0<Object>) () -> {
                    g.apply();
                    return null;
                };
            }
            case 1: {
                final RayFuncVoid1 g = (RayFuncVoid1) f;
                return (KFunc1<Object, Object>) (x0) -> {
                    g.apply(x0);
                    return null;
                };
            }
            case 2: {
                final RayFuncVoid2 g = (RayFuncVoid2) f;
                return (KFunc2<Object, Object, Object>) (x0, x1) -> {
                    g.apply(x0, x1);
                    return null;
                };
            }
            case 3: {
                final RayFuncVoid3 g = (RayFuncVoid3) f;
                return (KFunc3<Object, Object, Object, Object>) (x0, x1, x2) -> {
                    g.apply(x0, x1, x2);
                    return null;
                };
            }
            case 4: {
                final RayFuncVoid4 g = (RayFuncVoid4) f;
                return (KFunc4<Object, Object, Object, Object, Object>) (x0, x1, x2, x3) -> {
                    g.apply(x0, x1, x2, x3);
                    return null;
                };
            }
            case 5: {
                final RayFuncVoid5 g = (RayFuncVoid5) f;
                return (KFunc5<Object, Object, Object, Object, Object, Object>) (x0, x1, x2, x3, x4) -> {
                    g.apply(x0, x1, x2, x3, x4);
                    return null;
                };
            }
            case 6: {
                final RayFuncVoid6 g = (RayFuncVoid6) f;
                return (KFunc6<Object, Object, Object, Object, Object, Object, Object>) (x0, x1, x2, x3, x4, x5) -> {
                    g.apply(x0, x1, x2, x3, x4, x5);
                    return null;
                };
            }
            default:
                throw arity("Ray.task", arity, 6);
        }
    }


    /** The kernel's actor creation for a Ray constructor: the kernel's instance is an {@link ActorBox} holding it. */
    static ActorCreator<ActorBox> actor(final Kernel kernel, final RayFunc f, final ActorId id, final Object[] a) {
        switch (a.length) {
            case 0: {
                final RayFunc0 g = (RayFunc0) f;
                return kernel.actor((KFunc0<ActorBox>) () -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply();
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                });
            }
            case 1: {
                final RayFunc1 g = (RayFunc1) f;
                return kernel.actor((KFunc1<Object, ActorBox>) (x0) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0]);
            }
            case 2: {
                final RayFunc2 g = (RayFunc2) f;
                return kernel.actor((KFunc2<Object, Object, ActorBox>) (x0, x1) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0, x1);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0], a[1]);
            }
            case 3: {
                final RayFunc3 g = (RayFunc3) f;
                return kernel.actor((KFunc3<Object, Object, Object, ActorBox>) (x0, x1, x2) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0, x1, x2);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0], a[1], a[2]);
            }
            case 4: {
                final RayFunc4 g = (RayFunc4) f;
                return kernel.actor((KFunc4<Object, Object, Object, Object, ActorBox>) (x0, x1, x2, x3) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0, x1, x2, x3);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0], a[1], a[2], a[3]);
            }
            case 5: {
                final RayFunc5 g = (RayFunc5) f;
                return kernel.actor((KFunc5<Object, Object, Object, Object, Object, ActorBox>) (x0, x1, x2, x3, x4) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0, x1, x2, x3, x4);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0], a[1], a[2], a[3], a[4]);
            }
            case 6: {
                final RayFunc6 g = (RayFunc6) f;
                return kernel.actor((KFunc6<Object, Object, Object, Object, Object, Object, ActorBox>) (x0, x1, x2, x3, x4, x5) -> {
                    final ActorBox box = ActorBox.creating(id);
                    final ActorBox previous = box.enter();
                    try {
                        box.instance = g.apply(x0, x1, x2, x3, x4, x5);
                        return box;
                    } finally {
                        ActorBox.leave(previous);
                    }
                }, a[0], a[1], a[2], a[3], a[4], a[5]);
            }
            default:
                throw arity("Ray.actor", a.length, 6);
        }
    }


    /**
     * The kernel's method ({@code KFunc1..6}, its first parameter the actor's box) calling a Ray actor method with
     * arity other arguments, for {@code io.kairos.ActorHandle.submit}.
     */
    static Object call(final RayFunc f, final int arity) {
        if (f == null) {
            throw new IllegalArgumentException("func is null");
        }
        if (f instanceof RayFuncVoid) {
            return voidCall(f, arity);
        }
        switch (arity) {
            case 0: {
                final RayFunc1 g = (RayFunc1) f;
                return (KFunc1<ActorBox, Object>) (box) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 1: {
                final RayFunc2 g = (RayFunc2) f;
                return (KFunc2<ActorBox, Object, Object>) (box, x0) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance, x0);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 2: {
                final RayFunc3 g = (RayFunc3) f;
                return (KFunc3<ActorBox, Object, Object, Object>) (box, x0, x1) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance, x0, x1);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 3: {
                final RayFunc4 g = (RayFunc4) f;
                return (KFunc4<ActorBox, Object, Object, Object, Object>) (box, x0, x1, x2) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance, x0, x1, x2);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 4: {
                final RayFunc5 g = (RayFunc5) f;
                return (KFunc5<ActorBox, Object, Object, Object, Object, Object>) (box, x0, x1, x2, x3) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance, x0, x1, x2, x3);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 5: {
                final RayFunc6 g = (RayFunc6) f;
                return (KFunc6<ActorBox, Object, Object, Object, Object, Object, Object>) (box, x0, x1, x2, x3, x4) -> {
                    final ActorBox previous = box.enter();
                    try {
                        return g.apply(box.instance, x0, x1, x2, x3, x4);
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            default:
                throw arity("actor.task", arity, 5);
        }
    }

    private static Object voidCall(final RayFunc f, final int arity) {
        switch (arity) {
            case 0: {
                final RayFuncVoid1 g = (RayFuncVoid1) f;
                return (KFunc1<ActorBox, Object>) (box) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 1: {
                final RayFuncVoid2 g = (RayFuncVoid2) f;
                return (KFunc2<ActorBox, Object, Object>) (box, x0) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance, x0);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 2: {
                final RayFuncVoid3 g = (RayFuncVoid3) f;
                return (KFunc3<ActorBox, Object, Object, Object>) (box, x0, x1) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance, x0, x1);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 3: {
                final RayFuncVoid4 g = (RayFuncVoid4) f;
                return (KFunc4<ActorBox, Object, Object, Object, Object>) (box, x0, x1, x2) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance, x0, x1, x2);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 4: {
                final RayFuncVoid5 g = (RayFuncVoid5) f;
                return (KFunc5<ActorBox, Object, Object, Object, Object, Object>) (box, x0, x1, x2, x3) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance, x0, x1, x2, x3);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            case 5: {
                final RayFuncVoid6 g = (RayFuncVoid6) f;
                return (KFunc6<ActorBox, Object, Object, Object, Object, Object, Object>) (box, x0, x1, x2, x3, x4) -> {
                    final ActorBox previous = box.enter();
                    try {
                        g.apply(box.instance, x0, x1, x2, x3, x4);
                        return null;
                    } finally {
                        ActorBox.leave(previous);
                    }
                };
            }
            default:
                throw arity("actor.task", arity, 5);
        }
    }
}
