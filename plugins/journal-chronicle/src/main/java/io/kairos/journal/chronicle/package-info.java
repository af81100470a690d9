/**
 * A {@link io.kairos.spi.journal.Journal} on Chronicle Queue: {@link io.kairos.journal.chronicle.ChronicleJournal},
 * opened by {@link io.kairos.journal.chronicle.ChronicleJournalProvider} (service name {@code "chronicle"}).
 *
 * <p>Chronicle needs these JVM flags: {@code --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
 * --add-exports=java.base/sun.nio.ch=ALL-UNNAMED --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED
 * --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED}, and on JDK 23+
 * {@code --sun-misc-unsafe-memory-access=allow}.
 */
package io.kairos.journal.chronicle;
