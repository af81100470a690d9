/**
 * The store's native mappings (JNA and JNI entry points of the C ABI) and the library loader. Internal.
 */
package io.kairos.store.internal;
