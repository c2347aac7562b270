package dev.dirtypages.samples.snapshot;

import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.pagemap.PagemapScanner;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.samples.snapshot.ChannelClient.Range;
import dev.dirtypages.samples.snapshot.ChannelClient.Region;
import dev.dirtypages.samples.snapshot.ChannelClient.Reply;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A snapshot tool in the manner of pre-copy migration and incremental dumps, built on the agent's channel
 * (docs/channel.md): a full copy of the tracked memory of a running JVM, rounds of incremental copies of only
 * the ranges written since the previous round, then the final delta with the process stopped, and a check
 * that the image it reconstructed equals, byte for byte, a full read of the same memory taken while stopped.
 *
 * <p>The tracked memory is what {@code REGIONS} lists, asked again every round: the heap, and the spans of the
 * armed off-heap blocks (direct buffers, {@code Unsafe} memory, FFM arenas). A span listed for the first time,
 * or again with another extent or generation, is copied whole (a block armed in place of a freed one was
 * written unseen in between); a span no longer listed leaves the image.
 *
 * <p>The final delta: {@code FREEZE} is the last checkpoint, and from it on the agent re-arms nothing, so that
 * every page written after it stays WRITTEN in the page tables. The tool copies the freeze's ranges while
 * the process still runs, stops it ({@code SIGSTOP}: the agent cannot answer then), and reads
 * {@code /proc/<pid>/pagemap} itself, read-only, for the pages written since (and for stretches the JVM
 * remapped since, which no longer carry the agent's registration). The union is everything written since
 * the last round.
 *
 * <p>Memory is read through {@code /proc/<pid>/mem}; what lies outside readable mappings (the uncommitted
 * part of the heap's reservation) counts as absent, in the image and in the full read alike.
 *
 * <p>Usage:
 * <pre>
 * SnapshotTool [--rounds N] [--pause-ms M] [--lease-ms L] --pid PID --socket DIR/dirtypages-PID.sock
 * SnapshotTool [--rounds N] [--pause-ms M] [--lease-ms L] --launch AGENT_JAR [--agent OPTIONS] [--jvm ARG]...
 * </pre>
 * {@code --launch} starts {@link MutatingWorkload} with the agent and a channel of its own, and ends it after.
 * The exit status is 0 when the image matched and the freeze held until the end, 1 otherwise.
 */
public final class SnapshotTool {
    /** This tool's consumer: one per tool process, so that tools of several processes do not meet. */
    static final String CONSUMER = "snapshot-tool-" + ProcessHandle.current().pid();
    /**
     * The final delta's question to {@code PAGEMAP_SCAN}, read-only: pages WRITTEN (not re-armed since the
     * freeze), or in a VMA without the agent's write-protect registration (the JVM remapped it: its content
     * changed, to zero pages, and it is not armed). {@code inverted} flips WPALLOWED, so that "any of WRITTEN,
     * WPALLOWED" reads "WRITTEN or not WPALLOWED".
     */
    static final ScanQuery FINAL_DELTA = ScanQuery.builder()
            .inverted(PagemapBinding.PAGE_IS_WPALLOWED)
            .anyOf(PagemapBinding.PAGE_IS_WRITTEN | PagemapBinding.PAGE_IS_WPALLOWED)
            .returning(PagemapBinding.PAGE_IS_WRITTEN | PagemapBinding.PAGE_IS_WPALLOWED)
            .build();

    private final long pid;
    private final Path socket;
    private final PrintStream out;
    private final boolean finalDelta;
    private final MemoryImage image = new MemoryImage();
    private final List<Round> rounds = new ArrayList<>();

    private SnapshotTool(long pid, Path socket, PrintStream out, boolean finalDelta) {
        this.pid = pid;
        this.socket = socket;
        this.out = out;
        this.finalDelta = finalDelta;
    }

    /** One round: what the agent reported, what was copied, and how much a full copy would have been. */
    public record Round(String name, int ranges, long reportedBytes, long copiedBytes, long fullBytes, long millis) {
    }

    /**
     * The outcome.
     *
     * @param rounds          the full copy, the incremental rounds, the freeze's round and the stopped round
     * @param regions         the regions compared: the last {@code REGIONS} listing, before the process stopped
     * @param comparedBytes   the bytes compared with the full read while stopped (the readable tracked memory)
     * @param comparedByName  of those, the bytes per region name ({@code java-heap}, {@code direct-buffer}, ...)
     * @param differingPages  pages whose content or presence differ: 0, or a write was missed
     * @param differences     the first few of them, described
     * @param freezeHeld      the freeze lasted until THAW (its lease did not run out first)
     * @param stoppedMillis   how long the process was stopped
     */
    public record Report(long pid, List<Round> rounds, List<Region> regions, long comparedBytes,
                         Map<String, Long> comparedByName, long differingPages, List<String> differences,
                         boolean freezeHeld, long stoppedMillis) {
        public boolean matches() {
            return differingPages == 0 && freezeHeld;
        }

        /** Bytes copied by the incremental rounds (all but the first, full, copy). */
        public long incrementalBytes() {
            return rounds.stream().skip(1).mapToLong(Round::copiedBytes).sum();
        }

        /** Bytes that a full copy in each of those rounds would have read. */
        public long fullCopiesBytes() {
            return rounds.stream().skip(1).mapToLong(Round::fullBytes).sum();
        }
    }

    /**
     * Snapshots the JVM {@code pid}, whose agent serves a channel at {@code socket}: a full copy, {@code rounds}
     * incremental rounds {@code pause} apart, then the final delta while stopped and the comparison.
     */
    public static Report snapshot(long pid, Path socket, int rounds, Duration pause, Duration lease, PrintStream out)
            throws IOException, InterruptedException {
        return snapshot(pid, socket, rounds, pause, lease, out, true);
    }

    /** As above; without {@code finalDelta} the stopped round skips the pagemap scan (for the test that the check has teeth). */
    static Report snapshot(long pid, Path socket, int rounds, Duration pause, Duration lease, PrintStream out,
                           boolean finalDelta) throws IOException, InterruptedException {
        return new SnapshotTool(pid, socket, out, finalDelta).run(rounds, pause, lease);
    }

    private Report run(int roundCount, Duration pause, Duration lease) throws IOException, InterruptedException {
        // Everything the stopped round needs is opened now, so that the process stays stopped no longer than it must.
        try (ChannelClient channel = ChannelClient.connect(socket); ProcessMemory memory = new ProcessMemory(pid);
             PagemapScanner pagemap = PagemapScanner.openProcess((int) pid, PagemapScanner.DEFAULT_CAPACITY)) {
            Reply hello = channel.hello();
            if (!hello.field("state").equals("tracking") && !hello.field("state").equals("reduced")) {
                throw new IOException("the agent in " + pid + " is not tracking: " + hello.fields());
            }
            channel.call("REGISTER " + CONSUMER);
            try {
                // The base: from this checkpoint on, every write is in a later answer; the full copy comes after it.
                channel.call("CHECKPOINT " + CONSUMER);
                long t = System.nanoTime();
                image.track(regions(channel));
                List<Mapping> maps = memory.maps();
                long copied = reconcile(memory, maps);
                record("full", 0, 0, copied, readableBytes(maps), t);

                for (int i = 1; i <= roundCount; i++) {
                    Thread.sleep(pause.toMillis());
                    t = System.nanoTime();
                    Reply cp = channel.call("CHECKPOINT " + CONSUMER);
                    roundCopy("round " + i, memory, channel, cp, t);
                }

                t = System.nanoTime();
                Reply frozen = channel.call("FREEZE " + CONSUMER + " " + lease.toMillis());
                roundCopy("freeze", memory, channel, frozen, t);

                long stopped = System.nanoTime();
                signal("STOP");
                long stoppedMillis;
                long[] compared;
                Map<String, Long> comparedByName = new TreeMap<>();
                List<String> differences = new ArrayList<>();
                try {
                    awaitStopped(Duration.ofSeconds(10));
                    t = System.nanoTime();
                    maps = memory.maps();
                    List<long[]> delta = finalDelta ? pagemapDelta(pagemap) : List.of();
                    copied = 0;
                    long reported = 0;
                    for (long[] r : delta) {
                        reported += r[1] - r[0];
                        copied += copy(memory, maps, r[0], r[1]);
                    }
                    copied += reconcile(memory, maps);
                    record("stopped", delta.size(), reported, copied, readableBytes(maps), t);
                    compared = compare(memory, maps, differences, comparedByName);
                } finally {
                    signal("CONT");
                    stoppedMillis = (System.nanoTime() - stopped) / 1_000_000;
                }
                boolean held = true;
                try {
                    channel.call("THAW");
                } catch (ChannelClient.ChannelException e) {
                    out.println("THAW: " + e.getMessage());
                    held = false;
                }
                Report report = new Report(pid, List.copyOf(rounds), image.regions(), compared[0], comparedByName,
                        compared[1], differences, held, stoppedMillis);
                print(report);
                return report;
            } finally {
                try {
                    channel.call("UNREGISTER " + CONSUMER);
                    channel.call("BYE");
                } catch (IOException e) {
                    out.println("leaving the channel: " + e.getMessage());
                }
            }
        }
    }

    /** Copies what a CHECKPOINT or FREEZE reply lists, and whatever the maps say became readable or not. */
    private void roundCopy(String name, ProcessMemory memory, ChannelClient channel, Reply reply, long t)
            throws IOException {
        List<Range> ranges = reply.ranges();
        List<Region> added = image.track(regions(channel));
        List<Mapping> maps = memory.maps();
        long copied = 0;
        for (Range r : ranges) {
            copied += copy(memory, maps, r.start(), r.end());
        }
        for (Region r : added) {
            copied += copy(memory, maps, r.start(), r.end());
        }
        copied += reconcile(memory, maps);
        record(name, ranges.size(), reply.longField("bytes"), copied, readableBytes(maps), t);
        if (reply.longField("deferred") != 0) {
            out.println(name + ": deferred (another consumer's freeze held scanning): its writes come later");
        }
    }

    private static List<Region> regions(ChannelClient channel) throws IOException {
        return channel.call("REGIONS").regions();
    }

    /**
     * Copies the readable parts of {@code [start, end)} inside the tracked regions into the image (a coarsened
     * answer's joined gap can reach between regions); returns the bytes read.
     */
    private long copy(ProcessMemory memory, List<Mapping> maps, long start, long end) throws IOException {
        long copied = 0;
        for (Region r : image.regions()) {
            long s = Math.max(start, r.start());
            long e = Math.min(end, r.end());
            if (s < e) {
                for (long[] part : ProcessMemory.readable(maps, s, e)) {
                    copied += memory.read(part[0], part[1], image::put);
                }
            }
        }
        return copied;
    }

    /**
     * Brings the image's presence in line with the maps: readable pages it does not hold are copied (a heap
     * commit the tool has not seen reported yet, or the first, full, copy), pages no longer readable are
     * dropped. Content changes come from the agent; readability changes from the maps.
     */
    private long reconcile(ProcessMemory memory, List<Mapping> maps) throws IOException {
        long copied = 0;
        for (Region r : image.regions()) {
            long cursor = r.start();
            for (long[] part : ProcessMemory.readable(maps, r.start(), r.end())) {
                if (cursor < part[0]) {
                    image.absent(cursor, part[0]);
                }
                for (long[] run : image.absentRuns(part[0], part[1])) {
                    copied += memory.read(run[0], run[1], image::put);
                }
                cursor = part[1];
            }
            if (cursor < r.end()) {
                image.absent(cursor, r.end());
            }
        }
        return copied;
    }

    /** The final delta, from the stopped process's page tables (read-only: nothing is re-armed). */
    private List<long[]> pagemapDelta(PagemapScanner pagemap) {
        List<long[]> out = new ArrayList<>();
        for (Region r : image.regions()) {
            pagemap.scan(r.start(), r.end(), FINAL_DELTA, (s, e, c) -> out.add(new long[] {s, e}));
        }
        return out;
    }

    /**
     * Compares the image with a full read of the readable tracked memory, taken now (the process is stopped).
     *
     * @param byName where to add the bytes compared per region name
     * @return {@code {bytes compared, pages differing}}
     */
    private long[] compare(ProcessMemory memory, List<Mapping> maps, List<String> differences, Map<String, Long> byName)
            throws IOException {
        long[] counts = new long[2];
        for (Region r : image.regions()) {
            long cursor = r.start();
            for (long[] part : ProcessMemory.readable(maps, r.start(), r.end())) {
                unreadable(cursor, part[0], counts, differences);
                byName.merge(r.name(), part[1] - part[0], Long::sum);
                counts[0] += memory.read(part[0], part[1], (address, data) -> {
                    for (int off = 0; off < data.remaining(); off += MemoryImage.PAGE) {
                        long page = address + off;
                        if (!image.same(page, data, off)) {
                            counts[1]++;
                            note(differences, String.format("page 0x%x: %s", page,
                                    image.present(page) ? "content differs" : "readable, but absent from the image"));
                        }
                    }
                });
                cursor = part[1];
            }
            unreadable(cursor, r.end(), counts, differences);
        }
        return counts;
    }

    private void unreadable(long start, long end, long[] counts, List<String> differences) {
        if (start >= end) {
            return;
        }
        long present = image.presentPages(start, end);
        if (present > 0) {
            counts[1] += present;
            note(differences, String.format("%d pages in [0x%x, 0x%x): unreadable, but present in the image",
                    present, start, end));
        }
    }

    private static void note(List<String> differences, String what) {
        if (differences.size() < 20) {
            differences.add(what);
        }
    }

    private static long readableBytes(List<Mapping> maps, List<Region> regions) {
        long n = 0;
        for (Region r : regions) {
            for (long[] part : ProcessMemory.readable(maps, r.start(), r.end())) {
                n += part[1] - part[0];
            }
        }
        return n;
    }

    private long readableBytes(List<Mapping> maps) {
        return readableBytes(maps, image.regions());
    }

    private void record(String name, int ranges, long reported, long copied, long full, long startNanos) {
        Round round = new Round(name, ranges, reported, copied, full, (System.nanoTime() - startNanos) / 1_000_000);
        rounds.add(round);
        out.printf(Locale.ROOT, "%-8s %7d ranges %10s reported %10s copied of %10s (%5.1f%%) %6d ms%n", name, ranges,
                mib(reported), mib(copied), mib(full), full == 0 ? 0.0 : 100.0 * copied / full, round.millis());
    }

    private void print(Report r) {
        out.printf(Locale.ROOT, "incremental rounds copied %s; full copies in their place would have read %s (%.1f%%)%n",
                mib(r.incrementalBytes()), mib(r.fullCopiesBytes()),
                r.fullCopiesBytes() == 0 ? 0.0 : 100.0 * r.incrementalBytes() / r.fullCopiesBytes());
        Round last = r.rounds().get(r.rounds().size() - 1);
        out.printf(Locale.ROOT, "stopped for %d ms: the final delta (%s) took %d ms, the check's full read the rest%n",
                r.stoppedMillis(), mib(last.copiedBytes()), last.millis());
        List<String> parts = new ArrayList<>();
        r.comparedByName().forEach((name, bytes) -> parts.add(mib(bytes) + " " + name));
        out.printf(Locale.ROOT, "verification: %s (%s) compared with a full read while stopped, %d pages differ%s%n",
                mib(r.comparedBytes()), String.join(", ", parts), r.differingPages(),
                r.freezeHeld() ? "" : "; the freeze ran out before THAW");
        for (String d : r.differences()) {
            out.println("  " + d);
        }
        out.println(r.matches() ? "MATCH" : "MISMATCH");
    }

    static String mib(long bytes) {
        return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed");
        }
    }

    /** Waits until every thread of the process is stopped ({@code T} in {@code /proc/<pid>/task/<tid>/stat}). */
    private void awaitStopped(Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            boolean all = true;
            try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                for (Path task : (Iterable<Path>) tasks::iterator) {
                    String stat;
                    try {
                        stat = Files.readString(task.resolve("stat"), StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        continue; // the thread ended
                    }
                    char state = stat.charAt(stat.lastIndexOf(')') + 2);
                    if (state != 'T' && state != 't') {
                        all = false;
                        break;
                    }
                }
            }
            if (all) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("process " + pid + " did not stop within " + timeout);
            }
            Thread.sleep(1);
        }
    }

    /** A workload JVM started with the agent and a channel of its own. */
    public static final class Launched implements AutoCloseable {
        private final Process process;
        private final Path socket;
        private final Path output;

        private Launched(Process process, Path socket, Path output) {
            this.process = process;
            this.socket = socket;
            this.output = output;
        }

        public long pid() {
            return process.pid();
        }

        public Path socket() {
            return socket;
        }

        public Process process() {
            return process;
        }

        /** The workload's stdout and stderr. */
        public String output() throws IOException {
            return Files.readString(output, StandardCharsets.UTF_8);
        }

        /** Tells the workload to end (its stdin closes) and waits for it; destroys it after {@code timeout}. */
        public int end(Duration timeout) throws IOException, InterruptedException {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IOException("the workload did not end within " + timeout + "\n" + output());
            }
            return process.exitValue();
        }

        @Override
        public void close() {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    /**
     * Starts {@link MutatingWorkload} in a JVM with the agent at {@code agentJar}, a channel in a directory of
     * its own under {@code workDir}, and {@code agentOptions} besides; waits until the workload is ready and the
     * channel's socket is there.
     */
    public static Launched launch(Path agentJar, String agentOptions, List<String> jvmArgs, List<String> workloadArgs,
                                  Path workDir) throws IOException, InterruptedException {
        Path channelDir = workDir.resolve("channel");
        Path output = workDir.resolve("workload.out");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("--add-opens");
        command.add("java.base/java.nio=ALL-UNNAMED");   // the workload prints its direct buffers' addresses
        command.add("-javaagent:" + agentJar + "=channel=" + channelDir
                + (agentOptions == null || agentOptions.isEmpty() ? "" : "," + agentOptions));
        command.add("-cp");
        command.add(ownClassPath());
        command.add(MutatingWorkload.class.getName());
        command.addAll(workloadArgs);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().remove("JAVA_TOOL_OPTIONS");
        builder.environment().remove("JDK_JAVA_OPTIONS");
        builder.environment().remove("_JAVA_OPTIONS");
        Process process = builder.start();
        Path socket = channelDir.resolve("dirtypages-" + process.pid() + ".sock");
        Launched launched = new Launched(process, socket, output);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!(Files.exists(socket) && Files.exists(output)
                && Files.readString(output, StandardCharsets.UTF_8).contains(MutatingWorkload.READY))) {
            if (!process.isAlive()) {
                throw new IOException("the workload ended (exit " + process.exitValue() + ") before it was ready:\n"
                        + launched.output());
            }
            if (System.nanoTime() > deadline) {
                launched.close();
                throw new IOException("no channel socket " + socket + " and ready workload within 60 s:\n" + launched.output());
            }
            Thread.sleep(20);
        }
        return launched;
    }

    /** Where the samples' classes are: all the workload needs. */
    private static String ownClassPath() {
        try {
            return Path.of(MutatingWorkload.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static void main(String[] args) throws Exception {
        int rounds = 5;
        Duration pause = Duration.ofMillis(500);
        Duration lease = Duration.ofSeconds(30);
        Long pid = null;
        Path socket = null;
        Path agentJar = null;
        String agentOptions = "interval=100ms";
        List<String> jvmArgs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--rounds": rounds = Integer.parseInt(v); i++; break;
                case "--pause-ms": pause = Duration.ofMillis(Long.parseLong(v)); i++; break;
                case "--lease-ms": lease = Duration.ofMillis(Long.parseLong(v)); i++; break;
                case "--pid": pid = Long.parseLong(v); i++; break;
                case "--socket": socket = Path.of(v); i++; break;
                case "--launch": agentJar = Path.of(v); i++; break;
                case "--agent": agentOptions = v; i++; break;
                case "--jvm": jvmArgs.add(v); i++; break;
                default:
                    System.err.println("unknown argument " + a + "\nusage: SnapshotTool [--rounds N] [--pause-ms M] "
                            + "[--lease-ms L] (--pid PID --socket SOCKET | --launch AGENT_JAR [--agent OPTIONS] [--jvm ARG]...)");
                    System.exit(2);
            }
        }
        Report report;
        if (agentJar != null) {
            if (jvmArgs.isEmpty()) {
                jvmArgs = List.of("-XX:+UseG1GC", "-Xms32m", "-Xmx256m");
            }
            Path work = Files.createTempDirectory("dirtypages-snapshot");
            try (Launched target = launch(agentJar, agentOptions, jvmArgs, List.of(), work)) {
                System.out.println("workload pid " + target.pid() + ", channel " + target.socket());
                report = snapshot(target.pid(), target.socket(), rounds, pause, lease, System.out);
                target.end(Duration.ofSeconds(60));
            }
            if (report.matches()) {
                deleteTree(work);
            } else {
                System.out.println("the workload's output is in " + work);
            }
        } else if (pid != null && socket != null) {
            report = snapshot(pid, socket, rounds, pause, lease, System.out);
        } else {
            System.err.println("give --pid and --socket, or --launch AGENT_JAR");
            System.exit(2);
            return;
        }
        System.exit(report.matches() ? 0 : 1);
    }

    private static void deleteTree(Path root) throws IOException {
        try (var all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.deleteIfExists(p);
            }
        }
    }
}
