package io.kairos.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * What {@code kairos cluster up} started on this machine, kept in {@code cluster.properties} in the cluster's
 * directory: the control store's members, the secret file, and the processes to stop.
 *
 * @param dir        the cluster's directory
 * @param control    the control store's members, "host:port,..."
 * @param secretFile the cluster's secret
 * @param pids       the processes started: control members first, then nodes
 */
record LocalCluster(Path dir, String control, Path secretFile, List<Long> pids) {
    static final String FILE = "cluster.properties";

    static LocalCluster read(final Path dir) {
        final Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(dir.resolve(FILE))) {
            p.load(in);
        } catch (final NoSuchFileException e) {
            throw new IllegalArgumentException("no local cluster in " + dir + " (no " + FILE + "): start one with "
                + "kairos cluster up, or name a cluster with --control and --secret-file");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
        final List<Long> pids = new ArrayList<>();
        for (final String pid : p.getProperty("pids", "").split(",")) {
            if (!pid.isBlank()) {
                pids.add(Long.parseLong(pid.trim()));
            }
        }
        return new LocalCluster(dir, p.getProperty("control"), Path.of(p.getProperty("secret")), pids);
    }

    void write() {
        final Properties p = new Properties();
        p.setProperty("control", control);
        p.setProperty("secret", secretFile.toString());
        final StringBuilder list = new StringBuilder();
        for (final long pid : pids) {
            list.append(list.length() == 0 ? "" : ",").append(pid);
        }
        p.setProperty("pids", list.toString());
        try (Writer out = Files.newBufferedWriter(dir.resolve(FILE))) {
            p.store(out, "kairos cluster up: kairos cluster down stops these processes");
        } catch (final IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The processes of this cluster still running. */
    List<ProcessHandle> live() {
        final List<ProcessHandle> live = new ArrayList<>();
        for (final long pid : pids) {
            ProcessHandle.of(pid).filter(ProcessHandle::isAlive).ifPresent(live::add);
        }
        return live;
    }
}
