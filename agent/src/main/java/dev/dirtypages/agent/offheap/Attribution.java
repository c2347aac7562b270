package dev.dirtypages.agent.offheap;

import dev.dirtypages.agent.options.RegionKind;
import dev.dirtypages.kernel.Pages;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Which written pages belong to which blocks: pure arithmetic on page ranges, no kernel.
 *
 * <p>Blocks share pages (with each other and with the allocator's own data), so a written page is reported
 * once, labelled with the kinds of every tracked block that overlaps it, and counted for each of those
 * blocks. Pages no tracked block overlaps are not reported at all.
 */
final class Attribution {
    /** Written pages {@code [start, end)} and the kinds (a bit per {@link RegionKind#ordinal()}) of the blocks there. */
    record Piece(long start, long end, int kinds) {
    }

    /** Pages {@code [start, end)} of {@code block} written. */
    record BlockPages(Block block, long start, long end) {
    }

    private static final int KIND_BITS = 3;
    private static final int KIND_MASK = (1 << KIND_BITS) - 1;

    private Attribution() {
    }

    static int bit(RegionKind kind) {
        return 1 << kind.ordinal();
    }

    /**
     * The written pages {@code blocks} overlap. {@code written} holds sorted, disjoint, page-aligned
     * {@code [start, end)} pairs ({@code count} of them); the pieces found are added to {@code pieces} (in
     * address order) and, per block, to {@code perBlock}.
     */
    static void attribute(List<Block> blocks, long[] written, int count, List<Piece> pieces, List<BlockPages> perBlock) {
        if (count == 0 || blocks.isEmpty()) {
            return;
        }
        List<Piece> spans = new ArrayList<>(blocks.size());
        for (Block b : blocks) {
            spans.add(new Piece(b.pageStart, b.pageEnd, bit(b.kind)));
        }
        List<Piece> coverage = cover(spans);
        int w = 0;
        for (Piece c : coverage) {
            while (w < count && written[2 * w + 1] <= c.start()) {
                w++;
            }
            for (int i = w; i < count && written[2 * i] < c.end(); i++) {
                long s = Math.max(written[2 * i], c.start());
                long e = Math.min(written[2 * i + 1], c.end());
                if (s < e) {
                    pieces.add(new Piece(s, e, c.kinds()));
                }
            }
        }
        for (Block b : blocks) {
            int i = firstEndingAfter(written, count, b.pageStart);
            for (; i < count && written[2 * i] < b.pageEnd; i++) {
                long s = Math.max(written[2 * i], b.pageStart);
                long e = Math.min(written[2 * i + 1], b.pageEnd);
                if (s < e) {
                    perBlock.add(new BlockPages(b, s, e));
                }
            }
        }
    }

    /**
     * The written pages ({@code count} sorted, disjoint, page-aligned pairs in {@code written}) that none of
     * {@code blocks} (in order of start) overlaps, added to {@code out} in address order.
     */
    static void uncovered(List<Block> blocks, long[] written, int count, List<Span> out) {
        List<Span> covered = spans(blocks);
        int c = 0;
        for (int i = 0; i < count; i++) {
            long s = written[2 * i];
            long e = written[2 * i + 1];
            while (c < covered.size() && covered.get(c).end() <= s) {
                c++;
            }
            for (int k = c; k < covered.size() && covered.get(k).start() < e && s < e; k++) {
                if (covered.get(k).start() > s) {
                    out.add(new Span(s, covered.get(k).start()));
                }
                s = Math.max(s, covered.get(k).end());
            }
            if (s < e) {
                out.add(new Span(s, e));
            }
        }
    }

    /** The parts of {@code pieces} that {@code minus} does not cover; both sorted and disjoint. Kinds are kept. */
    static List<Piece> subtract(List<Piece> pieces, List<Piece> minus) {
        List<Piece> out = new ArrayList<>(pieces.size());
        int m = 0;
        for (Piece p : pieces) {
            long s = p.start();
            while (m < minus.size() && minus.get(m).end() <= s) {
                m++;
            }
            for (int k = m; k < minus.size() && minus.get(k).start() < p.end() && s < p.end(); k++) {
                if (minus.get(k).start() > s) {
                    out.add(new Piece(s, minus.get(k).start(), p.kinds()));
                }
                s = Math.max(s, minus.get(k).end());
            }
            if (s < p.end()) {
                out.add(new Piece(s, p.end(), p.kinds()));
            }
        }
        return out;
    }

    /** The index of the first pair whose end is above {@code address}. */
    private static int firstEndingAfter(long[] written, int count, long address) {
        int lo = 0;
        int hi = count;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (written[2 * mid + 1] <= address) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /**
     * Page-aligned intervals, overlapping or not, as disjoint intervals in address order, each labelled with
     * the union of the kinds of the intervals over it; neighbours with the same kinds are joined.
     */
    static List<Piece> cover(List<Piece> intervals) {
        int n = 0;
        for (Piece p : intervals) {
            n += 2 * Integer.bitCount(p.kinds());
        }
        // One event per kind bit at each end, in a long: the address (page-aligned, so its low bits are free),
        // the kind, and whether it starts (1) or ends (0) there. Ends sort before starts at the same address.
        long[] events = new long[n];
        int k = 0;
        for (Piece p : intervals) {
            if (p.start() >= p.end()) {
                continue;
            }
            for (int bits = p.kinds(); bits != 0; bits &= bits - 1) {
                int kind = Integer.numberOfTrailingZeros(bits);
                events[k++] = p.start() | ((long) kind << 1) | 1;
                events[k++] = p.end() | ((long) kind << 1);
            }
        }
        Arrays.sort(events, 0, k);
        int[] depth = new int[KIND_MASK + 1];
        List<Piece> out = new ArrayList<>();
        int mask = 0;
        long from = 0;
        int i = 0;
        while (i < k) {
            long address = events[i] & ~(Pages.SIZE - 1);
            if (mask != 0 && address > from) {
                add(out, from, address, mask);
            }
            while (i < k && (events[i] & ~(Pages.SIZE - 1)) == address) {
                int kind = (int) (events[i] >>> 1) & KIND_MASK;
                if ((events[i] & 1) != 0) {
                    depth[kind]++;
                } else {
                    depth[kind]--;
                }
                i++;
            }
            mask = 0;
            for (int kind = 0; kind <= KIND_MASK; kind++) {
                if (depth[kind] > 0) {
                    mask |= 1 << kind;
                }
            }
            from = address;
        }
        return out;
    }

    private static void add(List<Piece> out, long start, long end, int mask) {
        int last = out.size() - 1;
        if (last >= 0 && out.get(last).end() == start && out.get(last).kinds() == mask) {
            out.set(last, new Piece(out.get(last).start(), end, mask));
        } else {
            out.add(new Piece(start, end, mask));
        }
    }

    /** A block and the pages of it written. */
    record BlockCount(Block block, long pages) {
    }

    /** Pages written per block, each page counted once per block, the heaviest first (then by block id). */
    static List<BlockCount> countPerBlock(List<BlockPages> perBlock) {
        Map<Block, List<BlockPages>> byBlock = new IdentityHashMap<>();
        for (BlockPages p : perBlock) {
            byBlock.computeIfAbsent(p.block(), b -> new ArrayList<>()).add(p);
        }
        List<BlockCount> out = new ArrayList<>(byBlock.size());
        for (Map.Entry<Block, List<BlockPages>> e : byBlock.entrySet()) {
            List<BlockPages> ranges = e.getValue();
            ranges.sort(Comparator.comparingLong(BlockPages::start));
            long pages = 0;
            long coveredTo = Long.MIN_VALUE;
            for (BlockPages r : ranges) {
                long s = Math.max(r.start(), coveredTo);
                if (r.end() > s) {
                    pages += Pages.count(s, r.end());
                    coveredTo = r.end();
                }
            }
            out.add(new BlockCount(e.getKey(), pages));
        }
        out.sort(Comparator.comparingLong(BlockCount::pages).reversed()
                .thenComparingLong(c -> c.block().id));
        return out;
    }

    /** The region name of a piece: its kinds' event names joined with '+', in declaration order. */
    static String label(int kinds) {
        StringBuilder out = new StringBuilder();
        for (RegionKind kind : RegionKind.values()) {
            if ((kinds & bit(kind)) != 0) {
                out.append(out.length() == 0 ? "" : "+").append(kind.eventName());
            }
        }
        return out.toString();
    }

    /** Two lists of sorted, disjoint spans as one, joining spans that overlap or touch. */
    static List<Span> merge(List<Span> a, List<Span> b) {
        List<Span> out = new ArrayList<>(a.size() + b.size());
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            Span next = j >= b.size() || (i < a.size() && a.get(i).start() <= b.get(j).start()) ? a.get(i++) : b.get(j++);
            int last = out.size() - 1;
            if (last >= 0 && next.start() <= out.get(last).end()) {
                out.set(last, out.get(last).extendedTo(next.end()));
            } else {
                out.add(next);
            }
        }
        return out;
    }

    /**
     * The merged page spans of {@code blocks} (in order of start) as {@link #spans} joins them, each named by the
     * kinds of its blocks ({@link #label}) and numbered by the highest arming number among them.
     */
    static List<ArmedSpan> armedSpans(Collection<Block> blocks) {
        List<Span> spans = spans(blocks);
        List<ArmedSpan> out = new ArrayList<>(spans.size());
        Iterator<Block> next = blocks.iterator();
        Block b = next.hasNext() ? next.next() : null;
        for (Span span : spans) {
            int kinds = 0;
            long generation = 0;
            // The blocks come in order of start, so those of this span are the next ones starting below its end.
            for (; b != null && b.pageStart < span.end(); b = next.hasNext() ? next.next() : null) {
                kinds |= bit(b.kind);
                generation = Math.max(generation, b.armingNumber);
            }
            out.add(new ArmedSpan(span.start(), span.end(), label(kinds), generation));
        }
        return out;
    }

    /** Merged page spans of {@code blocks} (in order of start), joining spans that overlap or touch. */
    static List<Span> spans(Collection<Block> blocks) {
        List<Span> out = new ArrayList<>();
        for (Block b : blocks) {
            int last = out.size() - 1;
            if (last >= 0 && b.pageStart <= out.get(last).end()) {
                out.set(last, out.get(last).extendedTo(b.pageEnd));
            } else {
                out.add(new Span(b.pageStart, b.pageEnd));
            }
        }
        return out;
    }
}
