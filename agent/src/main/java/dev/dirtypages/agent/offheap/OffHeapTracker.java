package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.offheap.Attribution.BlockPages;
import dev.dirtypages.agent.offheap.Attribution.Piece;
import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.agent.sample.BlockSource;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.pagemap.PagemapBinding;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.track.RepairListener;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The off-heap blocks: told of every allocation and free by the hooks in the JDK (on the application's threads),
 * armed and scanned by the sampler. The registration of their memory is the {@link Registrar}'s, their events
 * are {@link BlockEvents}', which pages are whose is {@link Attribution}'s.
 *
 * <p><b>Allocation</b> (allocating thread, no system call): the block is recorded as pending and, once JFR is
 * set up, a {@code dirtypages.RegionTracked} event with the allocation's stack trace is committed. Blocks are
 * recorded from {@code premain} on; nothing is armed before {@link #attach}. <b>Arming</b> (sampler, at the
 * next scan): the memory's mappings are registered whole if they are not yet (so that thousands of blocks never
 * split them into thousands of VMAs); the pages that may have been written since the allocation are read; then
 * the block's pages are armed by the same report-and-re-arm scan that collects the armed blocks: its first
 * measured interval starts there, and that scan reports what was read as written before arming. <b>Free</b>
 * (freeing thread, before the memory is released): a pending block is handed to the next scan, which reports
 * its pages as written before arming; an armed one has its written pages read at once (one
 * {@code PAGEMAP_SCAN}), so that its writes up to the free are reported under its name by the next scan and
 * nothing written to the address after the free ever is.
 *
 * <p>Registrations are never undone while the agent runs: a page may belong to other blocks, and a mapping
 * whose pages are not armed costs nothing (a page is write-protected only when a tracked block's span is
 * armed; the rest of the mapping is never armed and never faults).
 */
public final class OffHeapTracker implements BlockSource {
    /** Pages that may hold writes: written since armed (or never armed), present or swapped, not the zero page. */
    static final ScanQuery BEFORE_ARMING_QUERY = ScanQuery.builder()
            .require(PagemapBinding.PAGE_IS_WRITTEN)
            .exclude(PagemapBinding.PAGE_IS_PFNZERO)
            .anyOf(PagemapBinding.PAGE_IS_PRESENT | PagemapBinding.PAGE_IS_SWAPPED)
            .returning(PagemapBinding.PAGE_IS_WRITTEN).build();
    /** Whether the allocation and free paths commit events: from {@link #attach} on (JFR is set up by then). */
    private volatile boolean eventsReady;

    /** Set once by {@link #attach}, before the sampler's first scan; null while the agent still starts. */
    private volatile WriteTracker tracker;
    /** Registers the fresh blocks' memory; set with {@link #tracker}, used by the sampler thread only. */
    private volatile Registrar registrar;
    private final AgentLog log;
    private final int maxBlockEvents;
    private final ConcurrentHashMap<Long, Block> live = new ConcurrentHashMap<>();
    /**
     * Blocks freed before any scan armed them: the next scan reports their pages as written before arming (they
     * may have been; nothing measured them). Bounded: beyond {@link #MAX_FREED_BEFORE_ARMING} (no scan for a
     * long while: nobody reads them) the blocks are only counted.
     */
    private final ConcurrentLinkedQueue<Block> freedBeforeArming = new ConcurrentLinkedQueue<>();
    private final AtomicInteger freedBeforeArmingCount = new AtomicInteger();
    private final LongAdder freedBeforeArmingDropped = new LongAdder();
    static final int MAX_FREED_BEFORE_ARMING = 1 << 16;
    private final AtomicLong ids = new AtomicLong();
    /** The thread scanning now: what it allocates meanwhile (buffers to read /proc, say) is the agent's own. */
    private volatile Thread scanning;

    /** Guards the armed blocks, the writes collected at frees, and the tracker's scanner. */
    private final Object lock = new Object();
    private final TreeMap<Long, Block> armed = new TreeMap<>();
    private List<Piece> carriedPieces = new ArrayList<>();
    private List<BlockPages> carriedBlocks = new ArrayList<>();
    /**
     * Written pages the previous scan collected (and re-armed) where no armed block was: a block allocated there
     * while that scan ran had those writes taken from its pages before its arming, so its arming reports them.
     * Used by the sampler thread only.
     */
    private List<Span> collectedUnowned = List.of();
    private long armedBytes;
    /** Blocks armed so far: the last one's arming number. */
    private long armings;

    private final LongAdder allocations = new LongAdder();
    private final LongAdder frees = new LongAdder();
    private final AtomicLong collectsAtFree = new AtomicLong();
    private final LongAdder lockWaitNanos = new LongAdder();
    private final LongAdder collectNanos = new LongAdder();
    /** Spans of armed pages at most this far apart, in memory registered here, are collected by one ioctl. */
    static final long JOIN_GAP = 64L << 10;

    /**
     * Records allocations at once; arms nothing until {@link #attach}.
     *
     * @param maxBlockEvents the most {@code dirtypages.BlockWrites} events one scan emits
     */
    public OffHeapTracker(AgentLog log, int maxBlockEvents) {
        this.log = log;
        this.maxBlockEvents = maxBlockEvents;
    }

    /**
     * From now on the blocks can be armed: called once, before the sampler's first scan.
     *
     * @param tracker registers and scans; its scanner is used under this tracker's lock only (the heap's scans
     *                must use another, so that frees never wait for them)
     */
    void attach(WriteTracker tracker) {
        BlockEvents.load();
        this.eventsReady = true;
        this.registrar = new Registrar(tracker, log);
        this.tracker = tracker;
    }

    /** Forgets every block recorded: for an agent whose write tracking could not start. */
    void forgetAll() {
        live.clear();
        freedBeforeArming.clear();
    }

    // ---- the application's threads ----

    /** A block of {@code kind} was allocated at {@code address}. */
    void allocated(RegionKind kind, long address, long bytes) {
        if (Thread.currentThread() == scanning) {
            return;
        }
        Block block = new Block(ids.incrementAndGet(), kind, address, address + Math.max(bytes, 1));
        allocations.increment();
        block.announced = eventsReady && BlockEvents.trackedEnabled();
        Block stale = live.put(address, block);
        if (stale != null) {
            // Its free went unseen (impossible through Unsafe.freeMemory): forget it without reporting its pages.
            forget(stale);
        }
        if (block.announced) {
            BlockEvents.allocated(block);
        }
    }

    /**
     * A block of {@code kind} allocated before the hooks were in place (found alive at a dynamic attach): tracked
     * like one just allocated, unless the hooks saw it already.
     */
    void found(RegionKind kind, long address, long bytes) {
        Block block = new Block(ids.incrementAndGet(), kind, address, address + Math.max(bytes, 1));
        if (live.putIfAbsent(address, block) == null) {
            allocations.increment();
        }
    }

    /** The block at {@code address} is about to be freed. */
    void freed(long address) {
        Block block = live.remove(address);
        if (block == null) {
            return;
        }
        frees.increment();
        Block.State before = Block.State.PENDING;
        if (block.transition(Block.State.PENDING, Block.State.FREED)) {
            if (freedBeforeArmingCount.incrementAndGet() <= MAX_FREED_BEFORE_ARMING) {
                freedBeforeArming.add(block);
            } else {
                freedBeforeArmingCount.decrementAndGet();
                freedBeforeArmingDropped.increment();
            }
        } else {
            long waiting = System.nanoTime();
            synchronized (lock) {
                // ARMED changes only under the lock; ARMING may still become UNTRACKED (registration refused).
                before = block.state();
                if (before == Block.State.ARMED) {
                    long collecting = System.nanoTime();
                    lockWaitNanos.add(collecting - waiting);
                    collectAtFree(block);
                    collectNanos.add(System.nanoTime() - collecting);
                    block.state(Block.State.FREED);
                } else if (before == Block.State.ARMING && !block.transition(Block.State.ARMING, Block.State.FREED)) {
                    before = block.state();
                }
            }
        }
        if (before != Block.State.UNTRACKED && eventsReady && BlockEvents.untrackedEnabled()) {
            BlockEvents.freed(block);
        }
    }

    private void forget(Block stale) {
        synchronized (lock) {
            if (armed.remove(stale.start, stale)) {
                armedBytes -= stale.size();
            }
            stale.state(Block.State.FREED);
        }
        if (!eventsReady) {
            return;
        }
        BlockEvents.forgotten(stale);
    }

    /**
     * Reads which pages of {@code block} (armed, about to be freed) were written since the last scan: they
     * belong to the block and to the armed neighbours sharing its edge pages, and the next scan reports them.
     * Called with the lock held.
     *
     * <p>Read, not collected: re-arming the pages here would write-protect them, and write-protecting a page
     * of a multi-threaded process costs a TLB shootdown (about 10 µs measured here, against about 1 µs for
     * the read). Left written, the pages are collected by the next scan, which attributes them only to the
     * blocks armed then: the freed block is not among them, so nothing written at the address after the
     * free is ever reported under its name, and a page reported twice in one interval counts once.
     */
    private void collectAtFree(Block block) {
        if (armed.remove(block.start, block)) {
            armedBytes -= block.size();
        }
        collectsAtFree.incrementAndGet();
        WrittenRanges written = new WrittenRanges();
        try {
            tracker.scanner().scan(block.pageStart, block.pageEnd, ScanQuery.WRITTEN, written);
        } catch (KernelException | IllegalArgumentException e) {
            log.debug("collecting " + block + " at its free failed: " + e.getMessage());
            return;
        }
        if (written.count == 0) {
            return;
        }
        List<Block> owners = new ArrayList<>(3);
        Map.Entry<Long, Block> before = armed.lowerEntry(block.start);
        if (before != null && before.getValue().pageEnd > block.pageStart) {
            owners.add(before.getValue());
        }
        owners.add(block);
        for (Block b : armed.subMap(block.start, true, block.pageEnd, false).values()) {
            owners.add(b);
        }
        owners.sort(Comparator.comparingLong(b -> b.start));
        Attribution.attribute(owners, written.ranges, written.count, carriedPieces, carriedBlocks);
    }

    // ---- the sampler ----

    @Override
    public long trackedBytes() {
        synchronized (lock) {
            return armedBytes;
        }
    }

    /**
     * The armed blocks' pages now, in address order, joined where they overlap or touch: the off-heap memory
     * whose every write is reported. A block is listed from the scan that arms it to its free; what was written
     * to its pages before its arming (its zeroing, say, or a freed block's writes after the free) is not
     * reported, which the spans' {@link ArmedSpan#generation() generation} tells a copier.
     */
    public List<ArmedSpan> armedSpans() {
        synchronized (lock) {
            return Attribution.armedSpans(armed.values());
        }
    }

    /** Blocks allocated and not yet freed (pending, armed or untrackable). */
    public int liveBlocks() {
        return live.size();
    }

    @Override
    public long scan(long scanId, boolean emitEvents, PieceVisitor visitor) {
        if (tracker == null) {
            return 0;
        }
        scanning = Thread.currentThread();
        try {
            return scanUnderway(scanId, emitEvents, visitor);
        } finally {
            scanning = null;
        }
    }

    /**
     * The scan, span by span: each merged run of armed (or arming) pages is collected and its writes attributed
     * under the lock, so that a free, which takes the same lock, falls either before a span's collection (its
     * block is then gone from the armed set, its pages already collected by the free) or after it (the block
     * was armed when the scan reported its pages). Frees wait for one span at most, never for a whole scan.
     */
    private long scanUnderway(long scanId, boolean emitEvents, PieceVisitor visitor) {
        List<Block> refused = new ArrayList<>();
        List<String> refusedWhy = new ArrayList<>();
        long[] reregistered = {0};
        List<Block> fresh = new ArrayList<>();
        for (Block b : live.values()) {
            if (b.state() == Block.State.PENDING && b.transition(Block.State.PENDING, Block.State.ARMING)) {
                fresh.add(b);
            }
        }
        fresh.sort(Comparator.comparingLong(b -> b.start));
        List<Block> arming;
        try {
            arming = registrar.register(fresh, refused, refusedWhy);
        } catch (RuntimeException e) {
            // /proc/self/maps unreadable, say: the blocks wait for the next scan.
            log.debug("registering new off-heap blocks failed, retried next scan: " + e);
            for (Block b : fresh) {
                b.transition(Block.State.ARMING, Block.State.PENDING);
            }
            arming = List.of();
        }

        List<Piece> pieces;
        List<BlockPages> perBlock;
        List<Span> spans;
        synchronized (lock) {
            spans = registrar.join(Attribution.merge(Attribution.spans(armed.values()), Attribution.spans(arming)), JOIN_GAP);
            pieces = carriedPieces;
            perBlock = carriedBlocks;
            carriedPieces = new ArrayList<>();
            carriedBlocks = new ArrayList<>();
        }
        RepairListener repairs = new RepairListener() {
            @Override
            public void reregistered(long start, long end) {
                reregistered[0]++;
                BlockEvents.reregistered(start, end);
            }

            @Override
            public void untrackable(long start, long end, KernelException cause) {
                BlockEvents.untrackable(start, end, cause);
            }
        };
        WrittenRanges written = new WrittenRanges();
        WrittenRanges early = new WrittenRanges();
        List<Block> owners = new ArrayList<>();
        List<Block> armingHere = new ArrayList<>();
        List<Piece> beforeArming = new ArrayList<>();
        List<BlockPages> beforeArmingPerBlock = new ArrayList<>();
        List<Block> unannounced = new ArrayList<>();
        List<Span> unowned = new ArrayList<>();
        for (Block b; (b = freedBeforeArming.poll()) != null; ) {
            freedBeforeArmingCount.decrementAndGet();
            beforeArming.add(new Piece(b.pageStart, b.pageEnd, Attribution.bit(b.kind)));
        }
        int next = 0;
        for (Span span : spans) {
            written.count = 0;
            early.count = 0;
            armingHere.clear();
            for (; next < arming.size() && arming.get(next).pageStart < span.end(); next++) {
                armingHere.add(arming.get(next));
            }
            synchronized (lock) {
                // Read before the collection re-arms them: what the blocks armed by it were written before.
                readBeforeArming(armingHere, early);
                boolean collected = true;
                try {
                    tracker.collect(span.start(), span.end(), written, repairs);
                } catch (KernelException | IllegalArgumentException e) {
                    collected = false;
                    log.debug(String.format("off-heap scan of [0x%x, 0x%x) failed: %s", span.start(), span.end(),
                            e.getMessage()));
                }
                // The blocks armed before this collection own what it found; a block armed by it starts its first
                // interval here, and its writes before are reported as such.
                if (written.count > 0) {
                    owners(written, owners);
                    Attribution.attribute(owners, written.ranges, written.count, pieces, perBlock);
                    Attribution.uncovered(owners, written.ranges, written.count, unowned);
                }
                if (collected && early.count > 0) {
                    Attribution.attribute(armingHere, early.ranges, early.count, beforeArming, beforeArmingPerBlock);
                }
                for (Block b : armingHere) {
                    if (!collected) {
                        b.transition(Block.State.ARMING, Block.State.PENDING); // not armed: the next scan tries again
                    } else if (b.transition(Block.State.ARMING, Block.State.ARMED)) {
                        b.armingNumber = ++armings;
                        Block replaced = armed.put(b.start, b);
                        if (replaced != null && replaced != b) {
                            armedBytes -= replaced.size();
                        }
                        armedBytes += b.size();
                        if (!b.announced) {
                            unannounced.add(b);
                        }
                    }
                }
            }
        }
        collectedUnowned = unowned;
        List<Piece> measured = Attribution.cover(pieces);
        List<Piece> assumed = Attribution.subtract(Attribution.cover(beforeArming), measured);
        int m = 0;
        int a = 0;
        while (m < measured.size() || a < assumed.size()) {
            if (a >= assumed.size() || (m < measured.size() && measured.get(m).start() < assumed.get(a).start())) {
                Piece p = measured.get(m++);
                visitor.visit(p.start(), p.end(), kinds(p.kinds()), label(p.kinds()), "");
            } else {
                Piece p = assumed.get(a++);
                visitor.visit(p.start(), p.end(), kinds(p.kinds()), label(p.kinds()), BlockSource.BEFORE_ARMING);
            }
        }
        BlockEvents.armedLate(unannounced);
        if (emitEvents) {
            BlockEvents.blockWrites(scanId, Attribution.countPerBlock(perBlock), maxBlockEvents);
        }
        for (int i = 0; i < refused.size(); i++) {
            BlockEvents.refused(refused.get(i), refusedWhy.get(i));
        }
        return reregistered[0];
    }

    /**
     * Reads (without re-arming) which pages of {@code blocks}, about to be armed, may have been written since
     * their allocation: pages of theirs that are written (everything reads so in memory registered a moment ago)
     * and hold data (present or swapped, not the shared zero page), and what the previous scan collected of their
     * pages where no armed block was (a block allocated while that scan ran). A superset of their writes before
     * arming: the allocator's own use of a page before the block's allocation shows too. Called with the lock held.
     */
    private void readBeforeArming(List<Block> blocks, WrittenRanges out) {
        if (blocks.isEmpty()) {
            return;
        }
        List<Span> spans = Attribution.spans(blocks);
        for (Span span : spans) {
            try {
                tracker.scanner().scan(span.start(), span.end(), BEFORE_ARMING_QUERY, out);
            } catch (KernelException | IllegalArgumentException e) {
                // Then every page of the span may have been written: assumed so.
                log.debug(String.format("reading [0x%x, 0x%x) before arming it failed, all of it assumed written: %s",
                        span.start(), span.end(), e.getMessage()));
                out.visit(span.start(), span.end(), 0);
            }
        }
        if (!collectedUnowned.isEmpty()) {
            List<Span> both = Attribution.merge(out.toList(), Ranges.intersect(collectedUnowned, spans));
            out.count = 0;
            for (Span r : both) {
                out.visit(r.start(), r.end(), 0);
            }
        }
    }

    /**
     * The armed blocks whose pages overlap the written ranges, in address order. Live blocks do not overlap,
     * so of the blocks starting below a page-aligned address only the last can reach past it.
     */
    private void owners(WrittenRanges written, List<Block> out) {
        out.clear();
        for (int i = 0; i < written.count; i++) {
            long s = written.ranges[2 * i];
            long e = written.ranges[2 * i + 1];
            Map.Entry<Long, Block> below = armed.lowerEntry(s);
            if (below != null && below.getValue().pageEnd > s) {
                addOwner(out, below.getValue());
            }
            for (Block b : armed.subMap(s, true, e, false).values()) {
                addOwner(out, b);
            }
        }
    }

    private static void addOwner(List<Block> out, Block b) {
        if (out.isEmpty() || out.get(out.size() - 1) != b) {
            out.add(b);
        }
    }

    /** {@code allocations, frees, collects at free}: for the log. */
    String stats() {
        long collects = Math.max(1, collectsAtFree.get());
        return allocations.sum() + " allocations, " + frees.sum() + " frees (" + collectsAtFree.get()
                + " of armed blocks: " + lockWaitNanos.sum() / collects + " ns waiting for the lock and "
                + collectNanos.sum() / collects + " ns collecting on average), " + live.size() + " live"
                + (freedBeforeArmingDropped.sum() == 0 ? "" : ", " + freedBeforeArmingDropped.sum()
                + " freed before their arming while no scan ran, not reported");
    }

    private static final List<Set<RegionKind>> KIND_SETS = kindSets();
    private static final String[] LABELS = labels();

    private static List<Set<RegionKind>> kindSets() {
        int n = 1 << RegionKind.values().length;
        List<Set<RegionKind>> out = new ArrayList<>(n);
        for (int mask = 0; mask < n; mask++) {
            Set<RegionKind> set = EnumSet.noneOf(RegionKind.class);
            for (RegionKind k : RegionKind.values()) {
                if ((mask & Attribution.bit(k)) != 0) {
                    set.add(k);
                }
            }
            out.add(Collections.unmodifiableSet(set));
        }
        return out;
    }

    private static String[] labels() {
        String[] out = new String[1 << RegionKind.values().length];
        for (int mask = 0; mask < out.length; mask++) {
            out[mask] = Attribution.label(mask);
        }
        return out;
    }

    static Set<RegionKind> kinds(int mask) {
        return KIND_SETS.get(mask);
    }

    static String label(int mask) {
        return LABELS[mask];
    }

    /** Collects written ranges as {@code [start, end)} pairs in a growing array. */
    static final class WrittenRanges implements dev.dirtypages.kernel.pagemap.RegionVisitor {
        long[] ranges = new long[32];
        int count;

        List<Span> toList() {
            List<Span> out = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                out.add(new Span(ranges[2 * i], ranges[2 * i + 1]));
            }
            return out;
        }

        @Override
        public void visit(long start, long end, long categories) {
            if (count > 0 && ranges[2 * count - 1] == start) {
                ranges[2 * count - 1] = end;
                return;
            }
            if (2 * count + 2 > ranges.length) {
                ranges = Arrays.copyOf(ranges, ranges.length * 2);
            }
            ranges[2 * count] = start;
            ranges[2 * count + 1] = end;
            count++;
        }
    }
}
