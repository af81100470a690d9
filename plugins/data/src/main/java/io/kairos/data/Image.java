package io.kairos.data;

import io.kairos.value.Tensor;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An image row ({@link Dataset#readImages}): its file and its pixels, RGB bytes row by row (height x width x 3, as a
 * NumPy {@code uint8} array of shape (height, width, 3)). Immutable by convention: the operations return new images.
 *
 * @param path   the file it was read from (or a name)
 * @param width  pixels across, &gt;= 1
 * @param height pixels down, &gt;= 1
 * @param rgb    width x height x 3 bytes
 */
public record Image(String path, int width, int height, byte[] rgb) implements Serializable {
    /** Checks the pixels' length. */
    public Image {
        Objects.requireNonNull(rgb, "rgb");
        if (width < 1 || height < 1 || (long) width * height * 3 != rgb.length) {
            throw new IllegalArgumentException("image '" + path + "': " + width + " x " + height + " x 3 is not the "
                + rgb.length + " bytes given");
        }
    }

    /**
     * Decodes an encoded image (JPEG, PNG, BMP, GIF: what ImageIO reads) into RGB (grey expanded, alpha dropped).
     *
     * @param path    its name, for messages
     * @param encoded the file's bytes
     * @return the image
     * @throws IOException if the bytes are not an image ImageIO reads (naming path)
     */
    public static Image decode(final String path, final byte[] encoded) throws IOException {
        final BufferedImage src = ImageIO.read(new ByteArrayInputStream(encoded));
        if (src == null) {
            throw new IOException("'" + path + "' is not an image ImageIO can read (JPEG, PNG, BMP, GIF)");
        }
        final BufferedImage bgr;
        if (src.getType() == BufferedImage.TYPE_3BYTE_BGR) {
            bgr = src;
        } else {
            bgr = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            bgr.getGraphics().drawImage(src, 0, 0, null);
        }
        final byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        final byte[] rgb = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i += 3) {
            rgb[i] = pixels[i + 2];
            rgb[i + 1] = pixels[i + 1];
            rgb[i + 2] = pixels[i];
        }
        return new Image(path, src.getWidth(), src.getHeight(), rgb);
    }

    /**
     * The image scaled to w x h, bilinear (pixel centres aligned, as OpenCV's and PIL's resize).
     *
     * @param w the new width, &gt;= 1
     * @param h the new height, &gt;= 1
     * @return the new image
     */
    public Image resize(final int w, final int h) {
        if (w < 1 || h < 1) {
            throw new IllegalArgumentException("resize: " + w + " x " + h + " must be at least 1 x 1");
        }
        final byte[] out = new byte[w * h * 3];
        final double sx = (double) width / w;
        final double sy = (double) height / h;
        for (int y = 0; y < h; y++) {
            final double fy = Math.max(0, Math.min(height - 1, (y + 0.5) * sy - 0.5));
            final int y0 = (int) fy;
            final int y1 = Math.min(height - 1, y0 + 1);
            final double dy = fy - y0;
            for (int x = 0; x < w; x++) {
                final double fx = Math.max(0, Math.min(width - 1, (x + 0.5) * sx - 0.5));
                final int x0 = (int) fx;
                final int x1 = Math.min(width - 1, x0 + 1);
                final double dx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    final double top = px(x0, y0, c) * (1 - dx) + px(x1, y0, c) * dx;
                    final double bottom = px(x0, y1, c) * (1 - dx) + px(x1, y1, c) * dx;
                    out[(y * w + x) * 3 + c] = (byte) Math.round(top * (1 - dy) + bottom * dy);
                }
            }
        }
        return new Image(path, w, h, out);
    }

    private int px(final int x, final int y, final int c) {
        return rgb[(y * width + x) * 3 + c] & 0xff;
    }

    /**
     * The pixels as floats, channel by channel (3 x height x width, a model's input layout), each
     * {@code (value / 255 - mean[c]) / std[c]}.
     *
     * @param mean the channels' means (3)
     * @param std  the channels' standard deviations (3, none 0)
     * @return the floats
     */
    public float[] normalize(final float[] mean, final float[] std) {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("normalize: mean and std need 3 values each (R, G, B), not "
                + mean.length + " and " + std.length);
        }
        final int plane = width * height;
        final float[] out = new float[3 * plane];
        for (int c = 0; c < 3; c++) {
            final float scale = 1f / (255f * std[c]);
            final float shift = mean[c] / std[c];
            for (int i = 0; i < plane; i++) {
                out[c * plane + i] = (rgb[i * 3 + c] & 0xff) * scale - shift;
            }
        }
        return out;
    }

    /**
     * Encodes the image.
     *
     * @param format "png" or "jpg" (what ImageIO writes)
     * @return the file's bytes
     * @throws IOException if ImageIO has no writer for format
     */
    public byte[] encode(final String format) throws IOException {
        final BufferedImage bgr = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        final byte[] pixels = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < rgb.length; i += 3) {
            pixels[i] = rgb[i + 2];
            pixels[i + 1] = rgb[i + 1];
            pixels[i + 2] = rgb[i];
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (!ImageIO.write(bgr, format, out)) {
            throw new IOException("ImageIO has no writer for '" + format + "'");
        }
        return out.toByteArray();
    }

    /**
     * The pixels as a tensor of bytes, shape (height, width, 3): a NumPy array in a Python stage.
     *
     * @return the tensor (a copy)
     */
    public Tensor toTensor() {
        return Tensor.wrap(Tensor.DType.UINT8, ByteBuffer.wrap(rgb.clone()), height, width, 3);
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof Image i && Objects.equals(path, i.path) && width == i.width && height == i.height
            && Arrays.equals(rgb, i.rgb);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, width, height) * 31 + Arrays.hashCode(rgb);
    }

    @Override
    public String toString() {
        return "Image(" + path + ", " + width + " x " + height + ")";
    }
}
