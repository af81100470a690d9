/**
 * Object values outside the heap: the shared-memory store of large values ({@code StoredObjects}), spilling to
 * files ({@code SpillFiles}), the value layout ({@code ValueCodec}) and serializers. Internal: not for embedders.
 */
package io.kairos.internal.object;
