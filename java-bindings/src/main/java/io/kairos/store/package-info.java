/**
 * The shared-memory object store (the native C ABI through JNA and JNI): create or attach a segment, put, get,
 * release and delete objects, read them in place.
 */
package io.kairos.store;
