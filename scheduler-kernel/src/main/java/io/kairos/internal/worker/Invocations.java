package io.kairos.internal.worker;

import io.kairos.function.KFunc0;
import io.kairos.function.KFunc1;
import io.kairos.function.KFunc2;
import io.kairos.function.KFunc3;
import io.kairos.function.KFunc4;
import io.kairos.function.KFunc5;
import io.kairos.function.KFunc6;

/** Calls a task's function (a KFunc of its arity) with its resolved arguments: in a worker thread or process. */
public final class Invocations {
    private Invocations() {
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    public static Object invoke(final Object function, final Object[] a, final int arity) throws Exception {
        switch (arity) {
            case 0:
                return ((KFunc0) function).apply();
            case 1:
                return ((KFunc1) function).apply(a[0]);
            case 2:
                return ((KFunc2) function).apply(a[0], a[1]);
            case 3:
                return ((KFunc3) function).apply(a[0], a[1], a[2]);
            case 4:
                return ((KFunc4) function).apply(a[0], a[1], a[2], a[3]);
            case 5:
                return ((KFunc5) function).apply(a[0], a[1], a[2], a[3], a[4]);
            case 6:
                return ((KFunc6) function).apply(a[0], a[1], a[2], a[3], a[4], a[5]);
            default:
                throw new IllegalStateException("arity " + arity);
        }
    }
}
