package io.kairos.train;

import io.kairos.TaskContext;
import io.kairos.data.Dataset;

import java.io.IOException;
import java.io.Serializable;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;

/** One worker of a training group: an actor in its bundle of the group's placement group. */
final class TrainWorker {
    /** Where a worker landed: its node and the GPUs it holds. */
    record Placement(String nodeId, int[] gpus) implements Serializable {
    }

    Placement where() {
        final TaskContext t = TaskContext.current();
        return new Placement(t.nodeId(), t.gpuInstances());
    }

    /**
     * Rank 0: an address of this host and a port free on it now, "host:port": loopback when the whole group is on
     * this host's node, else the host's address.
     */
    String freePort(final Boolean loopback) throws IOException {
        final InetAddress host = loopback ? InetAddress.getLoopbackAddress() : InetAddress.getLocalHost();
        try (ServerSocket socket = new ServerSocket(0, 1, host)) {
            return host.getHostAddress() + ":" + socket.getLocalPort();
        }
    }

    /**
     * Runs the loop with the group's coordinator: the object itself in the trainer's JVM, or (coordinator null, in a
     * worker process) a connection to it.
     */
    Boolean run(final TrainLoop loop, final TrainContext.Setup setup, final Coordinator coordinator,
                final Map<String, Dataset<?>> shards) throws Exception {
        final GroupClient client = coordinator == null
            ? new GroupClient(setup.groupAddress(), setup.groupToken(), setup.rank()) : null;
        final TrainContext context = new TrainContext(setup, coordinator != null ? coordinator : client,
            shards == null ? Map.of() : shards);
        TrainContext.enter(context);
        try {
            loop.run(context);
            return true;
        } finally {
            TrainContext.leave();
            if (client != null) {
                client.close();
            }
        }
    }
}
