package dev.dirtypages.agent.bootstrap;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The agent jar and its hidden part. Everything but the entry class and this package lies under
 * {@value #PREFIX} with class files renamed {@code .classdata}, so that no class loader of the application
 * finds it (the jar is on the system class path); {@link IsolatedClassLoader} reads it from here.
 *
 * <p>Multi-release entries are kept as {@code inst/META-INF/versions/N/...}: for every name the entry of
 * the highest {@code N} not above the running Java's feature version wins, as in a multi-release jar.
 *
 * <p>The build writes an index of the hidden part into the jar ({@value #INDEX}: its packages and its
 * versioned entries, see {@link #main}), so that starting the agent needs no walk over its thousands of
 * entries; other entries are looked up by name. Without the index (a jar made otherwise), the jar is walked.
 */
final class AgentJar implements Closeable {
    static final String PREFIX = "inst/";
    static final String CLASS_SUFFIX = ".classdata";
    /** The index the build writes; see {@link Index}. */
    static final String INDEX = PREFIX + "META-INF/dirtypages-agent.index";
    /** An entry only the packaged agent jar has: the class the bootstrap hands over to. */
    static final String MARKER = PREFIX + "dev/dirtypages/agent/runtime/AgentRuntime" + CLASS_SUFFIX;
    private static final String VERSIONS = "META-INF/versions/";

    private final Path path;
    private final URL location;
    private final ZipFile zip;
    private final Set<String> packages;
    /** Resource name ({@code a/b/C.class}) to the entry of the version that wins, for versioned resources. */
    private final Map<String, String> versioned;

    private AgentJar(Path path, ZipFile zip, Set<String> packages, Map<String, String> versioned)
            throws MalformedURLException {
        this.path = path;
        this.location = path.toUri().toURL();
        this.zip = zip;
        this.packages = packages;
        this.versioned = versioned;
    }

    /**
     * The agent jar: the jar this class was loaded from if that is it, else the one on the system class path
     * that has the hidden part. The JVM appends a {@code -javaagent} (or attached) jar to the system class
     * path, after {@code -cp}: if the application's class path has the agent's classes too (a test's class
     * path does), the bootstrap classes come from there, and the hidden part must still come from the jar.
     */
    static Path locate() {
        Path own = codeSource();
        if (own != null && hasMarker(own)) {
            return own;
        }
        URL marker = ClassLoader.getSystemResource(MARKER);
        if (marker != null && "jar".equals(marker.getProtocol())) {
            String spec = marker.getPath();
            int bang = spec.indexOf("!/");
            try {
                return Path.of(new URI(spec.substring(0, bang)));
            } catch (URISyntaxException | IllegalArgumentException | IndexOutOfBoundsException e) {
                throw new IllegalStateException("cannot tell which jar holds the agent (" + marker + ")", e);
            }
        }
        throw new IllegalStateException("no packaged agent jar (with " + MARKER + ") on the class path"
                + (own == null ? "" : "; the bootstrap was loaded from " + own));
    }

    private static Path codeSource() {
        try {
            java.security.CodeSource source = AgentJar.class.getProtectionDomain().getCodeSource();
            URL url = source == null ? null : source.getLocation();
            return url == null ? null : Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            return null;
        }
    }

    private static boolean hasMarker(Path jar) {
        if (!Files.isRegularFile(jar)) {
            return false;
        }
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            return zip.getEntry(MARKER) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /** Opens {@code jar} for a Java of the given feature version. */
    static AgentJar open(Path jar, int javaFeatureVersion) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is not the packaged agent jar (build it with 'mvn install')");
        }
        ZipFile zip = new ZipFile(jar.toFile());
        try {
            ZipEntry indexEntry = zip.getEntry(INDEX);
            Index index;
            if (indexEntry != null) {
                try (InputStream in = zip.getInputStream(indexEntry)) {
                    index = Index.read(in);
                }
            } else {
                index = Index.scan(zip);
            }
            if (index.packages.isEmpty()) {
                throw new IllegalStateException(jar + " is not the packaged agent jar: it has no classes under " + PREFIX);
            }
            return new AgentJar(jar, zip, index.packagesFor(javaFeatureVersion), index.versionedFor(javaFeatureVersion));
        } catch (IOException | RuntimeException | Error e) {
            zip.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** The jar as a code source location. */
    URL location() {
        return location;
    }

    /** The packages of the hidden classes, e.g. {@code com.sun.jna}. */
    Set<String> packages() {
        return packages;
    }

    /** All resource names of the hidden part ({@code a/b/C.class}, {@code dirtypages.jfc}); walks the jar. */
    Set<String> resourceNames() {
        Set<String> names = new TreeSet<>();
        for (ZipEntry e : Collections.list(zip.entries())) {
            String name = e.getName();
            if (!e.isDirectory() && name.startsWith(PREFIX) && !name.substring(PREFIX.length()).startsWith(VERSIONS)
                    && !name.equals(INDEX)) {
                names.add(resourceName(name.substring(PREFIX.length())));
            }
        }
        names.addAll(versioned.keySet());
        return names;
    }

    /** The bytes of a hidden resource, or null if there is none of that name. */
    byte[] read(String resource) throws IOException {
        ZipEntry entry = entry(resource);
        if (entry == null) {
            return null;
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    /** A {@code jar:} URL of a hidden resource, or null if there is none of that name. */
    URL url(String resource) {
        ZipEntry entry = entry(resource);
        if (entry == null) {
            return null;
        }
        try {
            return new URL("jar:" + location.toExternalForm() + "!/" + entry.getName());
        } catch (MalformedURLException e) {
            return null;
        }
    }

    private ZipEntry entry(String resource) {
        if (resource.isEmpty() || resource.startsWith("/")) {
            return null;
        }
        String name = versioned.get(resource);
        if (name == null) {
            name = PREFIX + (resource.endsWith(".class")
                    ? resource.substring(0, resource.length() - ".class".length()) + CLASS_SUFFIX
                    : resource);
        }
        return zip.getEntry(name);
    }

    /** {@code a/b/C.classdata} to {@code a/b/C.class}; other names stay. */
    private static String resourceName(String hiddenName) {
        return hiddenName.endsWith(CLASS_SUFFIX)
                ? hiddenName.substring(0, hiddenName.length() - CLASS_SUFFIX.length()) + ".class"
                : hiddenName;
    }

    @Override
    public void close() throws IOException {
        zip.close();
    }

    /**
     * Build step, run by the agent module's pom: writes the index of the agent jar {@code args[0]} to the
     * file {@code args[1]}, which the build then adds to the jar as {@value #INDEX}.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            throw new IllegalArgumentException("usage: AgentJar <agent.jar> <index file to write>");
        }
        Index index;
        try (ZipFile zip = new ZipFile(args[0])) {
            index = Index.scan(zip);
        }
        try (Writer out = Files.newBufferedWriter(Path.of(args[1]), StandardCharsets.UTF_8)) {
            index.write(out);
        }
    }

    /**
     * What the class loader must know before the first lookup: the packages of the hidden classes, each
     * with the lowest Java version it has classes for (0: all), and the versioned resources. As text, one
     * per line: {@code P <version> <package>} and {@code V <version> <resource name>}.
     */
    static final class Index {
        final Map<String, Integer> packages = new TreeMap<>();
        /** Resource name to the versions it has entries for (besides, maybe, the base one). */
        final Map<String, Set<Integer>> versions = new TreeMap<>();

        static Index scan(ZipFile zip) {
            Index index = new Index();
            for (ZipEntry entry : Collections.list(zip.entries())) {
                String name = entry.getName();
                if (entry.isDirectory() || !name.startsWith(PREFIX) || name.equals(INDEX)) {
                    continue;
                }
                String rest = name.substring(PREFIX.length());
                int version = 0;
                if (rest.startsWith(VERSIONS)) {
                    int slash = rest.indexOf('/', VERSIONS.length());
                    if (slash < 0) {
                        continue;
                    }
                    try {
                        version = Integer.parseInt(rest.substring(VERSIONS.length(), slash));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    rest = rest.substring(slash + 1);
                    if (rest.isEmpty()) {
                        continue;
                    }
                    index.versions.computeIfAbsent(resourceName(rest), k -> new TreeSet<>()).add(version);
                }
                int slash = rest.lastIndexOf('/');
                if (rest.endsWith(CLASS_SUFFIX) && slash > 0 && !rest.endsWith("module-info" + CLASS_SUFFIX)) {
                    index.packages.merge(rest.substring(0, slash).replace('/', '.'), version, Math::min);
                }
            }
            return index;
        }

        static Index read(InputStream in) throws IOException {
            Index index = new Index();
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                String[] fields = line.split(" ", 3);
                if (fields.length != 3) {
                    continue;
                }
                int version = Integer.parseInt(fields[1]);
                if (fields[0].equals("P")) {
                    index.packages.merge(fields[2], version, Math::min);
                } else if (fields[0].equals("V")) {
                    index.versions.computeIfAbsent(fields[2], k -> new TreeSet<>()).add(version);
                }
            }
            return index;
        }

        void write(Writer out) throws IOException {
            for (Map.Entry<String, Integer> p : packages.entrySet()) {
                out.write("P " + p.getValue() + " " + p.getKey() + "\n");
            }
            for (Map.Entry<String, Set<Integer>> v : versions.entrySet()) {
                for (int version : v.getValue()) {
                    out.write("V " + version + " " + v.getKey() + "\n");
                }
            }
        }

        Set<String> packagesFor(int feature) {
            Set<String> result = new TreeSet<>();
            packages.forEach((name, version) -> {
                if (version <= feature) {
                    result.add(name);
                }
            });
            return Collections.unmodifiableSet(result);
        }

        Map<String, String> versionedFor(int feature) {
            Map<String, String> result = new HashMap<>();
            versions.forEach((resource, set) -> {
                int best = 0;
                for (int version : set) {
                    if (version <= feature && version > best) {
                        best = version;
                    }
                }
                if (best > 0) {
                    String hidden = resource.endsWith(".class")
                            ? resource.substring(0, resource.length() - ".class".length()) + CLASS_SUFFIX
                            : resource;
                    result.put(resource, PREFIX + VERSIONS + best + "/" + hidden);
                }
            });
            return result;
        }
    }
}
