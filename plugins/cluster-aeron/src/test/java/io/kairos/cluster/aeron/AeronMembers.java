package io.kairos.cluster.aeron;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import org.agrona.CloseHelper;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A test's cluster in this JVM: a one-member control store under dir, and kernels joined to it through
 * {@link AeronClusterTransport} on loopback. {@link #close} closes the kernels, last started first, then the store.
 */
final class AeronMembers implements AutoCloseable {
    static final ClusterSecret SECRET = ClusterSecret.of("a test secret of 32 bytes, or so".getBytes());

    final List<Throwable> errors = new CopyOnWriteArrayList<>();
    final List<Kernel> kernels = new ArrayList<>();
    /** Each member's transport, by node id. */
    final Map<String, AeronClusterTransport> transports = new java.util.HashMap<>();
    final LocalControlStore store;
    private final Path dir;

    AeronMembers(final Path dir) {
        this.dir = dir;
        this.store = new LocalControlStore(dir.resolve("control"), errors::add).start(new ControlService(2_000, 200));
    }

    /** A member of id with cpus CPUs, no object store. */
    Kernel member(final String id, final double cpus) {
        return member(id, cpus, new KernelContext().objectStoreBytes(0));
    }

    /** A member of id with cpus CPUs, the rest of its context as given. */
    Kernel member(final String id, final double cpus, final KernelContext context) {
        final AeronClusterTransport transport = new AeronClusterTransport(new AeronClusterTransport.Settings(
            store.ingressEndpoints(), "localhost", 0, dir.resolve(id), 100, 10_000, SECRET));
        final Kernel kernel = Kernel.start(context.node(id, Map.of("CPU", cpus), Map.of()).cluster(transport));
        kernels.add(kernel);
        transports.put(id, transport);
        return kernel;
    }

    @Override
    public void close() {
        for (int i = kernels.size() - 1; i >= 0; i--) {
            kernels.get(i).close();
        }
        CloseHelper.close(store);
    }
}
