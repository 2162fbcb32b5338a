package org.relaygate.delivery;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Supplier;

/**
 * At most {@code max} asynchronous tasks at once; the others wait their turn in order. Not
 * thread-safe: used on the relay queue's context only.
 */
final class Limiter {

    private final int max;
    private final Deque<Runnable> waiting = new ArrayDeque<>();
    private int running;

    Limiter(int max) {
        if (max < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
        this.max = max;
    }

    /** Runs {@code task} now or once a slot is free; completes as the task's future does. */
    <T> Future<T> submit(Supplier<Future<T>> task) {
        Promise<T> promise = Promise.promise();
        Runnable start = () -> {
            running++;
            Future<T> f;
            try {
                f = task.get();
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                running--;
                Runnable next = waiting.poll();
                if (next != null) {
                    next.run();
                }
                promise.handle(ar);
            });
        };
        if (running < max) {
            start.run();
        } else {
            waiting.add(start);
        }
        return promise.future();
    }

    /** Whether a task submitted now would start at once. */
    boolean free() {
        return running < max;
    }

    int running() {
        return running;
    }

    int waiting() {
        return waiting.size();
    }
}
