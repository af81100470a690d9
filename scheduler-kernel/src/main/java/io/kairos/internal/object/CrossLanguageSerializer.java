package io.kairos.internal.object;

import io.kairos.value.PythonValue;
import io.kairos.value.Tensor;
import io.kairos.spi.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The built-in serializers of values Python reads too: {@link Tensor}s in the cross-language format (type id
 * {@value CrossLanguage#TYPE_ID}; it also reads back anything Python wrote in it), and {@link PythonValue}s as the
 * pickle they are (type id {@value CrossLanguage#PICKLE_TYPE_ID}).
 */
final class CrossLanguageSerializer implements Serializer {
    @Override
    public int typeId() {
        return CrossLanguage.TYPE_ID;
    }

    @Override
    public boolean supports(final Object value) {
        return value instanceof Tensor;
    }

    @Override
    public long serializedSize(final Object value) {
        return CrossLanguage.end(value, ValueCodec.HEADER) - ValueCodec.HEADER;
    }

    @Override
    public void write(final Object value, final ByteBuffer out) {
        CrossLanguage.write(value, out.order(ByteOrder.LITTLE_ENDIAN), ValueCodec.HEADER);
    }

    @Override
    public Object read(final ByteBuffer in) {
        final int start = in.position();
        final Object value = CrossLanguage.read(in, ValueCodec.HEADER);
        if (in.hasRemaining()) {
            throw new IllegalStateException("malformed cross-language value: " + in.remaining()
                + " bytes left over after the value, at offset " + (ValueCodec.HEADER + in.position() - start));
        }
        return value;
    }

    /** Python's pickles, held and passed on, never read. */
    static final class Pickles implements Serializer {
        @Override
        public int typeId() {
            return CrossLanguage.PICKLE_TYPE_ID;
        }

        @Override
        public boolean supports(final Object value) {
            return value instanceof PythonValue;
        }

        @Override
        public long serializedSize(final Object value) {
            return ((PythonValue) value).length();
        }

        @Override
        public void write(final Object value, final ByteBuffer out) {
            out.put(((PythonValue) value).pickle());
        }

        @Override
        public Object read(final ByteBuffer in) {
            final byte[] pickle = new byte[in.remaining()];
            in.get(pickle);
            return new PythonValue(pickle);
        }
    }
}
