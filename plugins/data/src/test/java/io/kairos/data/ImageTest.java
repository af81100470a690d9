package io.kairos.data;

import io.kairos.Kernel;
import io.kairos.KernelContext;
import io.kairos.exception.TaskFailedException;
import io.kairos.value.Tensor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Images made by the test (PNG, JPEG, grey, with alpha) read back with their pixels; decode, resize and normalise in a
 * dataset give what the same steps give in a sequential stream; whole files read as their bytes; a file that is not
 * an image is named.
 */
@Timeout(120)
class ImageTest {
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};
    private Kernel kernel;

    @AfterEach
    void tearDown() {
        if (kernel != null) {
            kernel.close();
        }
    }

    private void start() {
        kernel = Kernel.start(new KernelContext().cpus(2).objectStoreBytes(64L << 20));
    }

    /** The test's pixel at (x, y) of image i: a gradient per image. */
    private static int rgbAt(final int i, final int x, final int y) {
        return ((x * 7 + i) & 0xff) << 16 | ((y * 5 + 3 * i) & 0xff) << 8 | ((x + y + i * 11) & 0xff);
    }

    private static BufferedImage made(final int i, final int w, final int h, final int type) {
        final BufferedImage img = new BufferedImage(w, h, type);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                img.setRGB(x, y, 0xff000000 | rgbAt(i, x, y));
            }
        }
        return img;
    }

    private static List<Path> writeImages(final Path dir, final int n) throws IOException {
        final List<Path> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            final boolean png = i % 3 != 0;
            final Path f = dir.resolve(String.format("img-%03d.%s", i, png ? "png" : "jpg"));
            final int type = png && i % 4 == 1 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB;
            assertTrue(ImageIO.write(made(i, 40 + i, 30 + 2 * i, type), png ? "png" : "jpg", f.toFile()), f::toString);
            files.add(f);
        }
        Files.writeString(dir.resolve("notes.txt"), "not an image: left out of readImages");
        return files;
    }

    @Test
    void imagesReadBackWithTheirPixels(@TempDir final Path dir) throws IOException {
        start();
        final List<Path> files = writeImages(dir, 30);
        final Dataset<Image> ds = Dataset.readImages(kernel, dir);
        final List<Image> images = ds.preserveOrder(true).takeAll();
        assertEquals(30, images.size(), "the image files only");
        for (int i = 0; i < images.size(); i++) {
            final Image img = images.get(i);
            assertEquals(files.get(i).toAbsolutePath().toString(), img.path());
            assertEquals(40 + i, img.width());
            assertEquals(30 + 2 * i, img.height());
            if (i % 3 != 0) {  // PNG: lossless, every pixel as made
                for (int y = 0; y < img.height(); y += 3) {
                    for (int x = 0; x < img.width(); x += 5) {
                        final int p = (y * img.width() + x) * 3;
                        final int got = (img.rgb()[p] & 0xff) << 16 | (img.rgb()[p + 1] & 0xff) << 8
                            | img.rgb()[p + 2] & 0xff;
                        assertEquals(rgbAt(i, x, y), got, "image " + i + " at " + x + "," + y);
                    }
                }
            }
        }
        final Path grey = dir.resolve("grey.png");
        final BufferedImage g = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        g.getRaster().setSample(1, 1, 0, 200);
        ImageIO.write(g, "png", grey.toFile());
        final Image gi = Dataset.readImages(kernel, grey).takeAll().get(0);
        assertArrayEquals(new byte[] {0, 0, 0}, java.util.Arrays.copyOfRange(gi.rgb(), 0, 3));
        assertArrayEquals(new byte[] {(byte) 200, (byte) 200, (byte) 200},
            java.util.Arrays.copyOfRange(gi.rgb(), 12, 15), "grey expanded to RGB");
        final Tensor t = gi.toTensor();
        assertArrayEquals(new long[] {2, 3, 3}, t.shape());
        assertEquals(Tensor.DType.UINT8, t.dtype());
    }

    @Test
    void decodeResizeNormaliseGiveWhatASequentialStreamGives(@TempDir final Path dir) throws IOException {
        start();
        writeImages(dir, 24);
        final AtomicReference<DatasetStats> stats = new AtomicReference<>();
        final List<float[]> ours = Dataset.readImages(kernel, dir).map(img -> img.resize(16, 12))
            .map(img -> img.normalize(MEAN, STD)).preserveOrder(true).onStats(stats::set).takeAll();
        final List<float[]> expected;
        try (var list = Files.list(dir)) {
            expected = list.filter(f -> !f.toString().endsWith(".txt")).sorted().map(f -> {
                try {
                    return Image.decode(f.toString(), Files.readAllBytes(f)).resize(16, 12).normalize(MEAN, STD);
                } catch (final IOException e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toList());
        }
        assertEquals(expected.size(), ours.size());
        for (int i = 0; i < ours.size(); i++) {
            assertArrayEquals(expected.get(i), ours.get(i), "image " + i);
        }
        assertEquals(24, stats.get().rows(), "the run's figures reach onStats");
        assertTrue(stats.get().blocks() >= 1);
    }

    @Test
    void resizeIsBilinearAndKeepsAFlatImageFlat() {
        final byte[] flat = new byte[10 * 8 * 3];
        java.util.Arrays.fill(flat, (byte) 77);
        final Image small = new Image("flat", 10, 8, flat).resize(3, 5);
        for (final byte b : small.rgb()) {
            assertEquals(77, b);
        }
        final Image two = new Image("two", 2, 1, new byte[] {0, 0, 0, (byte) 200, 100, 50});
        assertArrayEquals(new byte[] {100, 50, 25}, two.resize(1, 1).rgb(), "the mean of the two pixels");
        assertThrows(IllegalArgumentException.class, () -> new Image("bad", 2, 2, new byte[3]));
        assertThrows(IllegalArgumentException.class, () -> two.resize(0, 1));
    }

    @Test
    void binaryFilesAreTheirBytesAndAFileThatIsNotAnImageIsNamed(@TempDir final Path dir) throws IOException {
        start();
        for (int i = 0; i < 10; i++) {
            Files.write(dir.resolve("f" + i + ".bin"), new byte[] {(byte) i, 1, 2, (byte) (i * 3)});
        }
        final Map<String, BinaryFile> files = Dataset.readBinaryFiles(kernel, dir).takeAll().stream()
            .collect(Collectors.toMap(f -> Path.of(f.path()).getFileName().toString(), f -> f));
        assertEquals(10, files.size());
        assertArrayEquals(new byte[] {7, 1, 2, 21}, files.get("f7.bin").bytes());

        final Path broken = dir.resolve("broken.jpg");
        Files.write(broken, new byte[] {1, 2, 3, 4});
        final TaskFailedException e = assertThrows(TaskFailedException.class,
            () -> Dataset.readImages(kernel, broken).count());
        assertTrue(String.valueOf(e.getCause()).contains("broken.jpg"), String.valueOf(e.getCause()));
    }
}
