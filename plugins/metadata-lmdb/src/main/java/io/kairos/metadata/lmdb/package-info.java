/**
 * The metadata SPI ({@link io.kairos.spi.metadata.MetadataStore}) on LMDB, through lmdbjava (which bundles LMDB):
 * {@link io.kairos.metadata.lmdb.LmdbMetadataStore} and its provider {@link io.kairos.metadata.lmdb.LmdbMetadataProvider}
 * ("lmdb").
 */
package io.kairos.metadata.lmdb;
