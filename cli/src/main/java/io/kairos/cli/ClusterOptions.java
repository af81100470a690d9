package io.kairos.cli;

import io.kairos.cluster.aeron.ControlMember;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** How a command reaches a cluster's control store: its members' endpoints and the secret. */
final class ClusterOptions {
    @Option(names = "--control", paramLabel = "HOST:PORT,...",
        description = "The control store's members (the --members of kairos control); default: the local cluster "
            + "of kairos cluster up in --cluster-dir.")
    String control;

    @Option(names = "--secret-file", paramLabel = "FILE",
        description = "The cluster's secret (chmod 600); default: the local cluster's.")
    Path secretFile;

    @Option(names = "--cluster-dir", paramLabel = "DIR", description = "A local cluster's directory (default ${DEFAULT-VALUE}).",
        defaultValue = "${sys:java.io.tmpdir}/kairos-cluster")
    Path clusterDir;

    /** Aeron Cluster's ingress endpoints of the control store ("0=host:port,..."). */
    String ingressEndpoints() {
        return ControlMember.ingressEndpoints(ControlMember.parseMembers(controlMembers()));
    }

    String controlMembers() {
        if (control != null) {
            return control;
        }
        return LocalCluster.read(clusterDir).control();
    }

    Path secret() {
        if (secretFile != null) {
            return secretFile;
        }
        if (control != null) {
            throw new IllegalArgumentException("--secret-file is required with --control");
        }
        return LocalCluster.read(clusterDir).secretFile();
    }
}
