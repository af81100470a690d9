/**
 * The Kairos plugin SPI: the interfaces framework authors implement (scheduling policies, resource providers,
 * worker launchers, serializers, journals, metadata stores, listeners). Only the JDK is a dependency.
 */
package io.kairos.spi;
