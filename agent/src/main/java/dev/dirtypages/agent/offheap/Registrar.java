package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.log.AgentLog;
import dev.dirtypages.kernel.KernelException;
import dev.dirtypages.kernel.pagemap.PageRegion;
import dev.dirtypages.kernel.pagemap.ScanQuery;
import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.ProcMaps;
import dev.dirtypages.kernel.track.WriteTracker;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Makes sure the memory of fresh blocks is registered with the userfaultfd before the sampler arms them: on the
 * sampler thread only. A stretch that is not registered is registered as the whole mapping it lies in
 * (registering part of a mapping would split it into several VMAs; registering whole ones lets the kernel merge
 * neighbours instead). A range another userfaultfd registered first is refused (EBUSY) and left to its owner,
 * with the blocks in it.
 *
 * <p>What to register is decided by {@link #plan} from the mappings alone (tested on captured
 * /proc/self/maps text); {@link #register} finds what is missing and carries the plan out.
 *
 * <p>System calls per scan: one {@code PAGEMAP_SCAN} per cluster of fresh blocks (to find what is not
 * registered), and registrations only where something is not, or where registered memory is not known to be
 * this tracker's own (to tell whether another userfaultfd owns it).
 */
final class Registrar {
    /** Fresh blocks at most this far apart are checked for registration by one scan of the stretch around them. */
    static final long CLUSTER_GAP = 16L << 20;

    /**
     * One registration: {@code range} (a whole mapping, or the stretch itself), and when that is refused, the
     * {@code stretch} alone (null when {@code range} already is the stretch).
     */
    record Step(Span range, Span stretch) {
    }

    private final WriteTracker tracker;
    private final AgentLog log;
    /** Memory registered here (whole mappings, mostly). */
    private final Ranges ours = new Ranges();
    private long vmaRegistrations;
    private int untrackableLogged;

    Registrar(WriteTracker tracker, AgentLog log) {
        this.tracker = tracker;
        this.log = log;
    }

    /**
     * What to register for the stretches {@code missing} (sorted) lying in {@code maps}: each private anonymous
     * writable mapping they touch, whole and once; the part of any other mapping they cover.
     */
    static List<Step> plan(List<Mapping> maps, List<Span> missing) {
        List<Step> out = new ArrayList<>();
        Set<Long> whole = new HashSet<>();
        for (Span stretch : missing) {
            for (Mapping m : ProcMaps.overlapping(maps, stretch.start(), stretch.end())) {
                Span part = new Span(Math.max(m.start(), stretch.start()), Math.min(m.end(), stretch.end()));
                if (m.anonymous() && m.writable() && !m.shared()) {
                    if (whole.add(m.start())) {
                        out.add(new Step(new Span(m.start(), m.end()), part));
                    }
                } else {
                    out.add(new Step(part, null));
                }
            }
        }
        return out;
    }

    /** {@code spans} (sorted) with those at most {@code maxGap} apart joined where the gap is registered here. */
    List<Span> join(List<Span> spans, long maxGap) {
        return ours.join(spans, maxGap);
    }

    /**
     * Registers the memory of {@code fresh} (sorted, in state ARMING) where it is not yet.
     *
     * @param refused receives the blocks whose memory cannot be registered (now UNTRACKED), {@code why} the reasons
     * @return the blocks that can be armed
     */
    List<Block> register(List<Block> fresh, List<Block> refused, List<String> why) {
        if (fresh.isEmpty()) {
            return fresh;
        }
        List<Span> failed = new ArrayList<>();
        List<String> failedWhy = new ArrayList<>();
        List<Span> spans = Attribution.spans(fresh);
        // 1. The stretches of the fresh spans that are not registered.
        List<Span> missing = new ArrayList<>();
        for (int[] cluster : Ranges.clusters(spans, CLUSTER_GAP)) {
            long hullStart = spans.get(cluster[0]).start();
            long hullEnd = spans.get(cluster[1]).end();
            List<PageRegion> unregistered;
            try {
                unregistered = tracker.scanner().scan(hullStart, hullEnd, ScanQuery.NOT_WP_ALLOWED);
            } catch (KernelException | IllegalArgumentException e) {
                failed.add(new Span(hullStart, hullEnd));
                failedWhy.add(e.getMessage());
                continue;
            }
            int i = cluster[0];
            for (PageRegion u : unregistered) {
                while (i <= cluster[1] && spans.get(i).end() <= u.start()) {
                    i++;
                }
                for (int j = i; j <= cluster[1] && spans.get(j).start() < u.end(); j++) {
                    missing.add(new Span(Math.max(u.start(), spans.get(j).start()), Math.min(u.end(), spans.get(j).end())));
                }
            }
        }
        // 2. Register them, as whole mappings where they can be.
        if (!missing.isEmpty()) {
            for (Step step : plan(ProcMaps.self(), missing)) {
                Span done = register(step.range());
                if (done == null && step.stretch() != null) {
                    done = register(step.stretch());
                } else if (done != null && step.stretch() != null) {
                    vmaRegistrations++;
                }
                if (done == null) {
                    Span where = step.stretch() != null ? step.stretch() : step.range();
                    failed.add(where);
                    failedWhy.add(lastFailure);
                }
            }
        }
        // 3. Registered, but by us or by another userfaultfd? Registering again is a no-op for our own
        // registration (it neither splits nor touches the pages) and EBUSY for another's.
        for (Span span : spans) {
            if (!ours.contains(span.start(), span.end()) && register(span) == null) {
                failed.add(span);
                failedWhy.add(lastFailure);
            }
        }
        if (failed.isEmpty()) {
            return fresh;
        }
        List<Block> ok = new ArrayList<>(fresh.size());
        for (Block b : fresh) {
            String reason = null;
            for (int i = 0; i < failed.size() && reason == null; i++) {
                if (b.pageStart < failed.get(i).end() && b.pageEnd > failed.get(i).start()) {
                    reason = failedWhy.get(i);
                }
            }
            if (reason == null) {
                ok.add(b);
            } else if (b.transition(Block.State.ARMING, Block.State.UNTRACKED)) {
                refused.add(b);
                why.add(reason);
                if (untrackableLogged++ < 10) {
                    log.warn("not tracking " + b + ": " + reason);
                }
            }
        }
        return ok;
    }

    /** The last refusal's message, for the blocks it leaves untracked. */
    private String lastFailure;

    /** Registers {@code range}; returns it, or null when refused (the reason in {@link #lastFailure}). */
    private Span register(Span range) {
        try {
            tracker.userfaultfd().register(range.start(), range.end());
            ours.add(range.start(), range.end());
            return range;
        } catch (KernelException e) {
            lastFailure = e.getMessage();
            return null;
        }
    }

    /** Mappings registered whole so far. */
    long vmaRegistrations() {
        return vmaRegistrations;
    }
}
