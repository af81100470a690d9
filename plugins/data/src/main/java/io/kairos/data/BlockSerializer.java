package io.kairos.data;

import io.kairos.spi.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The object store's encoding of a dataset's blocks whose rows are all of kinds it writes directly: null, Long,
 * Integer, Double, Float, Boolean, String, byte[], float[], double[], long[], int[] and {@link Image}. Arrays go in
 * with one bulk copy each way (no Java serialization: no stream, no per-array object headers), which is what makes a
 * block of tensors or images cheap to hand from one stage to the next. A block with any other row is left to the
 * kernel's Java serialization. Registered through {@link java.util.ServiceLoader}: a kernel with kairos-data on its
 * class path uses it; not for direct use.
 */
public final class BlockSerializer implements Serializer {
    /** Its type id in the store. */
    public static final int TYPE_ID = 2020;

    private static final byte NULL = 0;
    private static final byte LONG = 1;
    private static final byte INT = 2;
    private static final byte DOUBLE = 3;
    private static final byte FLOAT = 4;
    private static final byte BOOLEAN = 5;
    private static final byte STRING = 6;
    private static final byte BYTES = 7;
    private static final byte FLOATS = 8;
    private static final byte DOUBLES = 9;
    private static final byte LONGS = 10;
    private static final byte INTS = 11;
    private static final byte IMAGE = 12;

    @Override
    public int typeId() {
        return TYPE_ID;
    }

    @Override
    public boolean supports(final Object value) {
        if (!(value instanceof Block)) {
            return false;
        }
        for (final Object row : (Block) value) {
            if (kind(row) < 0) {
                return false;
            }
        }
        return true;
    }

    private static int kind(final Object row) {
        if (row == null) {
            return NULL;
        }
        final Class<?> c = row.getClass();
        if (c == Long.class) {
            return LONG;
        } else if (c == Integer.class) {
            return INT;
        } else if (c == Double.class) {
            return DOUBLE;
        } else if (c == Float.class) {
            return FLOAT;
        } else if (c == Boolean.class) {
            return BOOLEAN;
        } else if (c == String.class) {
            return STRING;
        } else if (c == byte[].class) {
            return BYTES;
        } else if (c == float[].class) {
            return FLOATS;
        } else if (c == double[].class) {
            return DOUBLES;
        } else if (c == long[].class) {
            return LONGS;
        } else if (c == int[].class) {
            return INTS;
        } else if (c == Image.class) {
            return IMAGE;
        }
        return -1;
    }

    @Override
    public long serializedSize(final Object value) {
        final List<?> rows = (List<?>) value;
        long size = 4;
        for (final Object row : rows) {
            size += 1 + rowSize(row);
        }
        return size;
    }

    private static long rowSize(final Object row) {
        switch (kind(row)) {
            case NULL:
                return 0;
            case LONG:
            case DOUBLE:
                return 8;
            case INT:
            case FLOAT:
                return 4;
            case BOOLEAN:
                return 1;
            case STRING:
                return 4 + utf8Length((String) row);
            case BYTES:
                return 4 + ((byte[]) row).length;
            case FLOATS:
                return 4 + 4L * ((float[]) row).length;
            case DOUBLES:
                return 4 + 8L * ((double[]) row).length;
            case LONGS:
                return 4 + 8L * ((long[]) row).length;
            case INTS:
                return 4 + 4L * ((int[]) row).length;
            default:
                final Image img = (Image) row;
                return 1 + (img.path() == null ? 0 : 4 + utf8Length(img.path())) + 8 + 4 + img.rgb().length;
        }
    }

    private static long utf8Length(final String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }

    @Override
    public void write(final Object value, final ByteBuffer target) {
        final ByteBuffer out = target.order(ByteOrder.LITTLE_ENDIAN);
        final List<?> rows = (List<?>) value;
        out.putInt(rows.size());
        for (final Object row : rows) {
            final int kind = kind(row);
            out.put((byte) kind);
            switch (kind) {
                case NULL:
                    break;
                case LONG:
                    out.putLong((Long) row);
                    break;
                case INT:
                    out.putInt((Integer) row);
                    break;
                case DOUBLE:
                    out.putDouble((Double) row);
                    break;
                case FLOAT:
                    out.putFloat((Float) row);
                    break;
                case BOOLEAN:
                    out.put((byte) ((Boolean) row ? 1 : 0));
                    break;
                case STRING:
                    putString(out, (String) row);
                    break;
                case BYTES:
                    out.putInt(((byte[]) row).length).put((byte[]) row);
                    break;
                case FLOATS: {
                    final float[] a = (float[]) row;
                    out.putInt(a.length);
                    out.asFloatBuffer().put(a);
                    out.position(out.position() + 4 * a.length);
                    break;
                }
                case DOUBLES: {
                    final double[] a = (double[]) row;
                    out.putInt(a.length);
                    out.asDoubleBuffer().put(a);
                    out.position(out.position() + 8 * a.length);
                    break;
                }
                case LONGS: {
                    final long[] a = (long[]) row;
                    out.putInt(a.length);
                    out.asLongBuffer().put(a);
                    out.position(out.position() + 8 * a.length);
                    break;
                }
                case INTS: {
                    final int[] a = (int[]) row;
                    out.putInt(a.length);
                    out.asIntBuffer().put(a);
                    out.position(out.position() + 4 * a.length);
                    break;
                }
                default: {
                    final Image img = (Image) row;
                    out.put((byte) (img.path() == null ? 0 : 1));
                    if (img.path() != null) {
                        putString(out, img.path());
                    }
                    out.putInt(img.width()).putInt(img.height()).putInt(img.rgb().length).put(img.rgb());
                }
            }
        }
    }

    private static void putString(final ByteBuffer out, final String s) {
        final byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.putInt(utf8.length).put(utf8);
    }

    @Override
    public Object read(final ByteBuffer source) {
        final ByteBuffer in = source.order(ByteOrder.LITTLE_ENDIAN);
        final int n = in.getInt();
        final Block rows = new Block(n);
        for (int i = 0; i < n; i++) {
            final byte kind = in.get();
            switch (kind) {
                case NULL:
                    rows.add(null);
                    break;
                case LONG:
                    rows.add(in.getLong());
                    break;
                case INT:
                    rows.add(in.getInt());
                    break;
                case DOUBLE:
                    rows.add(in.getDouble());
                    break;
                case FLOAT:
                    rows.add(in.getFloat());
                    break;
                case BOOLEAN:
                    rows.add(in.get() != 0);
                    break;
                case STRING:
                    rows.add(getString(in));
                    break;
                case BYTES: {
                    final byte[] a = new byte[in.getInt()];
                    in.get(a);
                    rows.add(a);
                    break;
                }
                case FLOATS: {
                    final float[] a = new float[in.getInt()];
                    in.asFloatBuffer().get(a);
                    in.position(in.position() + 4 * a.length);
                    rows.add(a);
                    break;
                }
                case DOUBLES: {
                    final double[] a = new double[in.getInt()];
                    in.asDoubleBuffer().get(a);
                    in.position(in.position() + 8 * a.length);
                    rows.add(a);
                    break;
                }
                case LONGS: {
                    final long[] a = new long[in.getInt()];
                    in.asLongBuffer().get(a);
                    in.position(in.position() + 8 * a.length);
                    rows.add(a);
                    break;
                }
                case INTS: {
                    final int[] a = new int[in.getInt()];
                    in.asIntBuffer().get(a);
                    in.position(in.position() + 4 * a.length);
                    rows.add(a);
                    break;
                }
                case IMAGE: {
                    final String path = in.get() == 0 ? null : getString(in);
                    final int w = in.getInt();
                    final int h = in.getInt();
                    final byte[] rgb = new byte[in.getInt()];
                    in.get(rgb);
                    rows.add(new Image(path, w, h, rgb));
                    break;
                }
                default:
                    throw new IllegalStateException("a stored block has an unknown row kind " + kind + " at row " + i);
            }
        }
        return rows;
    }

    private static String getString(final ByteBuffer in) {
        final byte[] utf8 = new byte[in.getInt()];
        in.get(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
