package io.kairos.architecture.planted.spi;

/** A planted violation: an "SPI" type that depends on the kernel. */
public interface PlantedSpi {
    io.kairos.Kernel kernel();
}
