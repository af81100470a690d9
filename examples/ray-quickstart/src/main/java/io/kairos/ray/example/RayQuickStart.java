package io.kairos.ray.example;

import io.ray.api.ActorHandle;
import io.ray.api.ObjectRef;
import io.ray.api.Ray;

import java.util.ArrayList;
import java.util.List;

/**
 * A Ray Java program as Ray's "Getting Started" writes one: it knows only {@code io.ray.api}. With kairos-ray-api on
 * the class path instead of ray-runtime, it runs on an embedded Kairos kernel unchanged.
 */
public class RayQuickStart {
    public static int square(int x) {
        return x * x;
    }

    public static class Counter {
        private int value = 0;

        public void increment() {
            this.value += 1;
        }

        public int read() {
            return this.value;
        }
    }

    public static void main(String[] args) {
        Ray.init();
        List<ObjectRef<Integer>> objectRefList = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            objectRefList.add(Ray.task(RayQuickStart::square, i).remote());
        }
        System.out.println(Ray.get(objectRefList));  // [0, 1, 4, 9]

        List<ActorHandle<Counter>> counters = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            counters.add(Ray.actor(Counter::new).remote());
        }
        for (ActorHandle<Counter> counter : counters) {
            counter.task(Counter::increment).remote();
        }
        List<ObjectRef<Integer>> reads = new ArrayList<>();
        for (ActorHandle<Counter> counter : counters) {
            reads.add(counter.task(Counter::read).remote());
        }
        System.out.println(Ray.get(reads));  // [1, 1, 1, 1]
        Ray.shutdown();
    }
}
