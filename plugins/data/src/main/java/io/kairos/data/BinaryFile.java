package io.kairos.data;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file's bytes ({@link Dataset#readBinaryFiles}).
 *
 * @param path  the file
 * @param bytes its content
 */
public record BinaryFile(String path, byte[] bytes) implements Serializable {
    @Override
    public boolean equals(final Object o) {
        return o instanceof BinaryFile f && Objects.equals(path, f.path) && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return Objects.hashCode(path) * 31 + Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "BinaryFile(" + path + ", " + bytes.length + " bytes)";
    }
}
