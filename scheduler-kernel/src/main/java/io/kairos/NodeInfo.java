package io.kairos;

import java.util.Map;

/**
 * One logical node's resources, a snapshot taken on the conductor ({@link Kernel#resources()}).
 *
 * @param nodeId    the node's id
 * @param labels    its labels
 * @param total     resource totals, in units
 * @param available what is free now, in units (CPU can dip below zero while blocked tasks take theirs back)
 * @param workers   worker threads of its task pool, busy or idle (actors' own workers not counted)
 */
public record NodeInfo(String nodeId, Map<String, String> labels, Map<String, Double> total,
                       Map<String, Double> available, int workers) {
}
