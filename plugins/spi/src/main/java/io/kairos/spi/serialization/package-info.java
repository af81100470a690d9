/** How values become bytes in the shared object store: the {@link io.kairos.spi.serialization.Serializer} SPI. */
package io.kairos.spi.serialization;
