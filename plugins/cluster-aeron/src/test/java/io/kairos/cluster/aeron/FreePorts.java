package io.kairos.cluster.aeron;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Loopback member endpoints whose {@link ControlMember#PORTS_PER_MEMBER} UDP ports are free now.
 */
final class FreePorts {
    private FreePorts() {
    }

    static List<ControlMember.Endpoint> members(final int count) {
        final SplittableRandom random = new SplittableRandom();
        final List<ControlMember.Endpoint> endpoints = new ArrayList<>();
        for (int attempt = 0; endpoints.size() < count; attempt++) {
            if (attempt > 1_000) {
                throw new IllegalStateException("no " + count + " ranges of free ports found");
            }
            final int base = 20_000 + random.nextInt(40_000 / ControlMember.PORTS_PER_MEMBER) *
                ControlMember.PORTS_PER_MEMBER;
            final ControlMember.Endpoint candidate = new ControlMember.Endpoint("localhost", base);
            if (!endpoints.contains(candidate) && free(base)) {
                endpoints.add(candidate);
            }
        }
        return endpoints;
    }

    private static boolean free(final int base) {
        for (int port = base; port < base + ControlMember.PORTS_PER_MEMBER; port++) {
            try (DatagramSocket socket = new DatagramSocket(port, InetAddress.getLoopbackAddress())) {
                socket.getLocalPort();
            } catch (final IOException ex) {
                return false;
            }
        }
        return true;
    }
}
