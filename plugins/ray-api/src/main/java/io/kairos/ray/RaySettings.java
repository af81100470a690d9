package io.kairos.ray;

import io.kairos.KernelContext;
import io.kairos.cluster.aeron.AeronClusterTransport;
import io.kairos.cluster.aeron.ClusterSecret;
import io.kairos.cluster.aeron.ControlMember;
import io.ray.api.id.JobId;
import io.ray.api.options.ActorLifetime;

import java.io.File;
import java.nio.file.Path;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Ray Java's configuration, read the way its runtime reads it: system properties with the keys of ray-runtime 2.39's
 * {@code ray.default.conf} ({@code -Dray.job.namespace=ns}); a list is given item by item, {@code -Dray.head-args.0=...},
 * {@code -Dray.head-args.1=...} (or as one string of space-separated items). Unknown {@code ray.*} options are logged,
 * not fatal; options that mean nothing to an embedded kernel (logging, Redis, raylet sockets) are logged at debug level.
 *
 * <table>
 *   <caption>what each option does on Kairos</caption>
 *   <tr><th>key</th><th>effect</th></tr>
 *   <tr><td>ray.address</td><td>a Kairos cluster's control store, {@code host:port,host:port,...} (the
 *       {@code --control} of {@code kairos node}): the program joins it as a driver (no resources unless
 *       {@code ray.head-args} gives some) and its tasks and actors run on the cluster's nodes; with
 *       {@code kairos.cluster.secret-file} (required), {@code kairos.cluster.bind} (default localhost) and
 *       {@code kairos.cluster.node-id} (default host-pid). Empty: an embedded kernel, one node in this JVM</td></tr>
 *   <tr><td>ray.run-mode</td><td>LOCAL or CLUSTER; both run the embedded kernel, {@code isLocalMode()} says which was asked</td></tr>
 *   <tr><td>ray.job.namespace</td><td>the job's namespace (default: a random one, as Ray)</td></tr>
 *   <tr><td>ray.job.id</td><td>the job id, 8 hex digits (default: one per {@code Ray.init()} of this JVM)</td></tr>
 *   <tr><td>ray.job.code-search-path</td><td>added to the class path of the kernel's worker JVMs</td></tr>
 *   <tr><td>ray.job.jvm-options</td><td>the JVM options of the kernel's worker JVMs</td></tr>
 *   <tr><td>ray.job.default-actor-lifetime</td><td>the lifetime of actors that set none</td></tr>
 *   <tr><td>ray.head-args</td><td>the embedded node's resources: {@code --num-cpus=N}, {@code --num-gpus=N},
 *       {@code --memory=BYTES}, {@code --object-store-memory=BYTES}, {@code --resources={"name": amount}},
 *       {@code --labels={"key": "value"}}; other {@code ray start} arguments are logged and ignored</td></tr>
 *   <tr><td>ray.resources</td><td>older Ray's form of the node's resources, {@code CPU:4,GPU:1,custom:2}</td></tr>
 *   <tr><td>kairos.ray.task.max-retries</td><td>retries of a task after a system failure (default 3, as Ray)</td></tr>
 *   <tr><td>kairos.ray.task.retry-exceptions</td><td>whether exceptions are retried too (default false, as Ray)</td></tr>
 * </table>
 */
public final class RaySettings {
    static final System.Logger LOG = System.getLogger("io.kairos.ray");

    /** Keys read here. */
    private static final Set<String> KNOWN = Set.of("ray.address", "ray.run-mode", "ray.local-mode", "ray.job.namespace",
        "ray.job.id", "ray.job.code-search-path", "ray.job.jvm-options", "ray.job.default-actor-lifetime",
        "ray.head-args", "ray.resources");
    /** Prefixes of keys that mean nothing to an embedded kernel: logged at debug level. */
    private static final List<String> NO_MEANING = List.of("ray.logging.", "ray.redis.", "ray.raylet.", "ray.node-ip",
        "ray.session-dir", "ray.worker.", "ray.object-store.", "ray.config-file", "ray.internal.",
        "ray.job.runtime-env.");
    private static final Pattern INDEXED = Pattern.compile("(.+)\\.(\\d+)");
    private static final Pattern JSON_ENTRY = Pattern.compile("\"([^\"]*)\"\\s*:\\s*(\"[^\"]*\"|[-+0-9.eE]+)");

    final String address;
    final boolean localMode;
    final String namespace;
    final JobId jobId;
    final List<String> codeSearchPath;
    final List<String> jvmOptions;
    final ActorLifetime defaultActorLifetime;
    final Double cpus;
    final Integer gpus;
    final Long memoryBytes;
    final Long objectStoreBytes;
    final Map<String, Double> customResources = new LinkedHashMap<>();
    final Map<String, String> labels = new LinkedHashMap<>();
    final int taskMaxRetries;
    final boolean taskRetryExceptions;
    /** With ray.address: the cluster's secret, the interface to bind, the member id (null: host-pid). */
    private final Path secretFile;
    private final String bindHost;
    private final String nodeId;
    /** CPU and GPU of ray.resources, used when ray.head-args gives none. */
    private final Double legacyCpus;
    private final Integer legacyGpus;

    private RaySettings(final Properties p, final int jobNumber) {
        final Map<String, String> props = new TreeMap<>();
        for (final String key : p.stringPropertyNames()) {
            if (key.startsWith("ray.")) {
                props.put(key, p.getProperty(key));
            }
        }
        logUnknown(props);
        address = props.getOrDefault("ray.address", "").trim();
        final String runMode = props.getOrDefault("ray.run-mode", "CLUSTER").trim().toUpperCase(Locale.ROOT);
        if (!runMode.equals("LOCAL") && !runMode.equals("CLUSTER")) {
            throw new IllegalArgumentException("ray.run-mode '" + runMode + "' must be LOCAL or CLUSTER");
        }
        localMode = runMode.equals("LOCAL") || Boolean.parseBoolean(props.getOrDefault("ray.local-mode", "false"));
        final String ns = props.getOrDefault("ray.job.namespace", "").trim();
        namespace = ns.isEmpty() ? UUID.randomUUID().toString() : ns;
        final String job = props.getOrDefault("ray.job.id", "").trim();
        jobId = job.isEmpty() ? JobId.fromInt(jobNumber) : parseJob(job);
        codeSearchPath = split(list(props, "ray.job.code-search-path"), File.pathSeparator);
        jvmOptions = list(props, "ray.job.jvm-options");
        final String lifetime = props.getOrDefault("ray.job.default-actor-lifetime", "NON_DETACHED").trim();
        try {
            defaultActorLifetime = ActorLifetime.valueOf(lifetime.toUpperCase(Locale.ROOT));
        } catch (final IllegalArgumentException e) {
            throw new IllegalArgumentException("ray.job.default-actor-lifetime '" + lifetime
                + "' must be NON_DETACHED or DETACHED", e);
        }
        final Map<String, String> head = headArgs(list(props, "ray.head-args"));
        cpus = head.containsKey("num-cpus") ? number("ray.head-args --num-cpus", head.get("num-cpus")) : null;
        gpus = head.containsKey("num-gpus")
            ? (int) Math.floor(number("ray.head-args --num-gpus", head.get("num-gpus"))) : null;
        memoryBytes = head.containsKey("memory") ? (long) number("ray.head-args --memory", head.get("memory")) : null;
        objectStoreBytes = head.containsKey("object-store-memory")
            ? (long) number("ray.head-args --object-store-memory", head.get("object-store-memory")) : null;
        if (head.containsKey("resources")) {
            jsonObject("ray.head-args --resources", head.get("resources"))
                .forEach((k, v) -> customResources.put(k, number("ray.head-args --resources " + k, v)));
        }
        if (head.containsKey("labels")) {
            labels.putAll(jsonObject("ray.head-args --labels", head.get("labels")));
        }
        final String legacy = props.getOrDefault("ray.resources", "").trim();
        final Map<String, Double> legacyResources = new LinkedHashMap<>();
        if (!legacy.isEmpty()) {
            for (final String item : legacy.split(",")) {
                final int colon = item.indexOf(':');
                if (colon < 0) {
                    throw new IllegalArgumentException("ray.resources item '" + item + "' must be NAME:AMOUNT");
                }
                legacyResources.put(item.substring(0, colon).trim(),
                    number("ray.resources " + item, item.substring(colon + 1).trim()));
            }
        }
        this.legacyCpus = legacyResources.remove("CPU");
        final Double legacyGpus = legacyResources.remove("GPU");
        this.legacyGpus = legacyGpus == null ? null : (int) Math.floor(legacyGpus);
        legacyResources.forEach(customResources::putIfAbsent);
        final String retries = p.getProperty("kairos.ray.task.max-retries", "3").trim();
        taskMaxRetries = (int) number("kairos.ray.task.max-retries", retries);
        if (taskMaxRetries < 0) {
            throw new IllegalArgumentException("kairos.ray.task.max-retries " + retries + " must be >= 0");
        }
        taskRetryExceptions = Boolean.parseBoolean(p.getProperty("kairos.ray.task.retry-exceptions", "false").trim());
        if (!address.isEmpty()) {
            ControlMember.parseMembers(address);  // a malformed address fails here, naming the entry
            final String secret = p.getProperty("kairos.cluster.secret-file", "").trim();
            if (secret.isEmpty()) {
                throw new IllegalArgumentException("ray.address " + address + " needs kairos.cluster.secret-file: the "
                    + "cluster's secret (kairos cluster up writes one in its directory)");
            }
            secretFile = Path.of(secret);
        } else {
            secretFile = null;
        }
        bindHost = p.getProperty("kairos.cluster.bind", "localhost").trim();
        final String id = p.getProperty("kairos.cluster.node-id", "").trim();
        nodeId = id.isEmpty() ? null : id;
    }

    /**
     * The settings in the system properties.
     *
     * @param jobNumber the job id to use when ray.job.id is not set
     * @return the settings
     * @throws IllegalArgumentException for a malformed value, naming the key
     */
    static RaySettings fromSystemProperties(final int jobNumber) {
        return from(System.getProperties(), jobNumber);
    }

    /**
     * The settings in properties.
     *
     * @param properties the properties (ray.* keys)
     * @param jobNumber  the job id to use when ray.job.id is not set
     * @return the settings
     * @throws IllegalArgumentException for a malformed value, naming the key
     */
    static RaySettings from(final Properties properties, final int jobNumber) {
        return new RaySettings(properties, jobNumber);
    }

    /**
     * The kernel's context for these settings: the node's resources and the worker JVMs'; with ray.address, the
     * cluster to join (as a driver unless ray.head-args offers resources).
     */
    KernelContext kernelContext() {
        final KernelContext context = new KernelContext();
        if (!address.isEmpty()) {
            context.cluster(new AeronClusterTransport(new AeronClusterTransport.Settings(
                ControlMember.ingressEndpoints(ControlMember.parseMembers(address)), bindHost, 0, null, 500, 10_000,
                ClusterSecret.load(secretFile))));
            if (cpus == null && legacyCpus == null) {
                context.cpus(0);  // a driver: its work runs on the cluster's nodes
            }
        }
        final Double c = cpus != null ? cpus : legacyCpus;
        if (c != null) {
            context.cpus(c);
        }
        final Integer g = gpus != null ? gpus : legacyGpus;
        if (g != null) {
            context.gpus(g);
        }
        if (memoryBytes != null) {
            context.memoryBytes(memoryBytes);
        }
        if (objectStoreBytes != null) {
            context.objectStoreBytes(objectStoreBytes);
        }
        customResources.forEach(context::resource);
        labels.forEach(context::label);
        if (nodeId != null) {
            context.node(nodeId, nodeResources(), labels);
        }
        if (!jvmOptions.isEmpty()) {
            context.workerJvmOptions(jvmOptions);
        }
        if (!codeSearchPath.isEmpty()) {
            context.workerClasspath(System.getProperty("java.class.path") + File.pathSeparator
                + String.join(File.pathSeparator, codeSearchPath));
        }
        return context;
    }

    /** The node's resources when it is named (kairos.cluster.node-id): a driver of a cluster offers no CPU. */
    private Map<String, Double> nodeResources() {
        final Map<String, Double> resources = new LinkedHashMap<>();
        final Double c = cpus != null ? cpus : legacyCpus;
        resources.put("CPU", c != null ? c : address.isEmpty() ? Runtime.getRuntime().availableProcessors() : 0.0);
        final Integer g = gpus != null ? gpus : legacyGpus;
        if (g != null && g > 0) {
            resources.put("GPU", (double) g);
        }
        if (memoryBytes != null) {
            resources.put("memory", (double) memoryBytes);
        }
        resources.putAll(customResources);
        return resources;
    }

    private static void logUnknown(final Map<String, String> props) {
        for (final Map.Entry<String, String> e : props.entrySet()) {
            final Matcher indexed = INDEXED.matcher(e.getKey());
            final String key = indexed.matches() ? indexed.group(1) : e.getKey();
            if (KNOWN.contains(key)) {
                continue;
            }
            if (NO_MEANING.stream().anyMatch(key::startsWith)) {
                LOG.log(Level.DEBUG, "Ray option " + e.getKey() + " has no meaning for an embedded Kairos kernel: ignored");
            } else {
                LOG.log(Level.WARNING, "unknown Ray option " + e.getKey() + "=" + e.getValue() + ": ignored");
            }
        }
    }

    /** A list option: key.0, key.1, ... in order, else the key's value split at white space. */
    private static List<String> list(final Map<String, String> props, final String key) {
        final TreeMap<Integer, String> items = new TreeMap<>();
        for (final Map.Entry<String, String> e : props.entrySet()) {
            final Matcher m = INDEXED.matcher(e.getKey());
            if (m.matches() && m.group(1).equals(key)) {
                items.put(Integer.parseInt(m.group(2)), e.getValue().trim());
            }
        }
        if (!items.isEmpty()) {
            return new ArrayList<>(items.values());
        }
        final String value = props.getOrDefault(key, "").trim();
        final List<String> out = new ArrayList<>();
        if (!value.isEmpty()) {
            for (final String item : value.split("\\s+")) {
                out.add(item);
            }
        }
        return out;
    }

    private static List<String> split(final List<String> items, final String separator) {
        final List<String> out = new ArrayList<>();
        for (final String item : items) {
            for (final String part : item.split(Pattern.quote(separator))) {
                if (!part.isBlank()) {
                    out.add(part.trim());
                }
            }
        }
        return out;
    }

    /** {@code ray start} arguments, "--name=value" or "--name value", as name to value. */
    private static Map<String, String> headArgs(final List<String> args) {
        final Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            final String arg = args.get(i);
            if (!arg.startsWith("--")) {
                LOG.log(Level.WARNING, "ray.head-args item '" + arg + "' is not a --option: ignored");
                continue;
            }
            final int eq = arg.indexOf('=');
            final String name;
            final String value;
            if (eq > 0) {
                name = arg.substring(2, eq);
                value = arg.substring(eq + 1);
            } else if (i + 1 < args.size() && !args.get(i + 1).startsWith("--")) {
                name = arg.substring(2);
                value = args.get(++i);
            } else {
                name = arg.substring(2);
                value = "true";
            }
            switch (name) {
                case "num-cpus":
                case "num-gpus":
                case "memory":
                case "object-store-memory":
                case "resources":
                case "labels":
                    out.put(name, unquote(value));
                    break;
                default:
                    LOG.log(Level.INFO, "ray.head-args " + arg + " has no meaning for an embedded Kairos kernel: ignored");
            }
        }
        return out;
    }

    private static String unquote(final String value) {
        final String v = value.trim();
        if (v.length() >= 2 && (v.charAt(0) == '\'' && v.charAt(v.length() - 1) == '\'')) {
            return v.substring(1, v.length() - 1);
        }
        return v;
    }

    /** A flat JSON object of strings or numbers, e.g. {"accel": 2, "zone": "a"}. */
    private static Map<String, String> jsonObject(final String field, final String json) {
        final String s = json.trim();
        if (!s.startsWith("{") || !s.endsWith("}")) {
            throw new IllegalArgumentException(field + " '" + json + "' must be a JSON object, e.g. {\"name\": 1}");
        }
        final Map<String, String> out = new LinkedHashMap<>();
        final Matcher m = JSON_ENTRY.matcher(s);
        while (m.find()) {
            final String v = m.group(2);
            out.put(m.group(1), v.startsWith("\"") ? v.substring(1, v.length() - 1) : v);
        }
        return out;
    }

    private static double number(final String field, final String value) {
        try {
            final double d = Double.parseDouble(value.trim());
            if (!Double.isFinite(d) || d < 0) {
                throw new IllegalArgumentException(field + " '" + value + "' must be a number >= 0");
            }
            return d;
        } catch (final NumberFormatException e) {
            throw new IllegalArgumentException(field + " '" + value + "' is not a number", e);
        }
    }

    private static JobId parseJob(final String hex) {
        if (!hex.matches("[0-9a-fA-F]{" + (2 * JobId.LENGTH) + "}")) {
            throw new IllegalArgumentException("ray.job.id '" + hex + "' must be " + (2 * JobId.LENGTH) + " hex digits");
        }
        return JobId.fromHexString(hex.toLowerCase(Locale.ROOT));
    }
}
