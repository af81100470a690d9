package io.kairos.gpu;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One device, as discovered.
 *
 * @param index        0..count-1 within its handle
 * @param backend      CUDA or SIMULATED
 * @param name         e.g. "NVIDIA H100 80GB HBM3"
 * @param uuid         "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi prints it
 * @param pciBusId     e.g. "0000:65:00.0"
 * @param totalMemory  bytes
 * @param freeMemory   bytes, when the info was read
 * @param computeMajor compute capability (0 for a simulated device)
 * @param computeMinor
 */
public record GpuDeviceInfo(int index, GpuBackend backend, String name, String uuid, String pciBusId, long totalMemory,
                            long freeMemory, int computeMajor, int computeMinor) {

    private static final Pattern MODEL = Pattern.compile("\\b([A-Z]{1,3}\\d{1,4}[A-Z]?)\\b");
    private static final Pattern GEFORCE = Pattern.compile("\\b(RTX|GTX)\\s+(\\w*\\d{3,4}\\w*)");

    /**
     * The accelerator type, as Ray's {@code accelerator_type} label names it: the model of the device's name
     * ("NVIDIA H100 80GB HBM3" gives "H100", "NVIDIA A100-SXM4-40GB" gives "A100", "NVIDIA GeForce RTX 4090" gives
     * "RTX_4090"), "SIMULATED" for a simulated device, else the name with spaces as underscores.
     */
    public String acceleratorType() {
        return acceleratorType(backend, name);
    }

    static String acceleratorType(final GpuBackend backend, final String name) {
        if (backend == GpuBackend.SIMULATED) {
            return "SIMULATED";
        }
        final String upper = name.toUpperCase(Locale.ROOT).replace('-', ' ');
        final Matcher geforce = GEFORCE.matcher(upper);
        if (geforce.find()) {
            return geforce.group(1) + "_" + geforce.group(2);
        }
        final Matcher model = MODEL.matcher(upper.replace("NVIDIA", ""));
        if (model.find()) {
            return model.group(1);
        }
        return name.trim().replaceAll("\\s+", "_");
    }
}
