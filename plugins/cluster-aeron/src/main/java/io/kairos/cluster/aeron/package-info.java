/**
 * The cluster's replicated control store on Aeron Cluster (Raft), the role Ray's GCS plays: node membership and
 * resources, a named-actor directory and a small KV store.
 * <p>
 * {@link io.kairos.cluster.aeron.ControlState} is the deterministic state machine (no I/O, time comes in with each
 * command); {@link io.kairos.cluster.aeron.ControlCodec} is the wire layout of commands and replies;
 * {@link io.kairos.cluster.aeron.ControlCommandHandler} decodes, applies and replies;
 * {@link io.kairos.cluster.aeron.ControlService} runs it all as an Aeron {@code ClusteredService} with snapshots and a
 * timer that declares silent nodes dead.
 * <p>
 * {@link io.kairos.cluster.aeron.ControlMember} runs one member of the replicated group (3 to survive the loss of one)
 * from a {@link io.kairos.cluster.aeron.ControlMemberConfig}; {@link io.kairos.cluster.aeron.ClusterSecret} and
 * {@link io.kairos.cluster.aeron.ClusterSecretAuthenticator} admit only clients that prove they hold the cluster
 * secret, by challenge and response.
 */
package io.kairos.cluster.aeron;
