package example;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.ObjectRef;

public class Main {
    static int square(int x) {
        return x * x;
    }

    public static void main(String[] args) {
        try (Kernel kernel = Kernel.start(new KernelContext().cpus(2))) {
            ObjectRef<Integer> result = kernel.task(Main::square, 7).remote();  // runs on a kernel worker thread
            System.out.println("square(7) = " + result.get());                  // get() waits for the value
        }
    }
}
