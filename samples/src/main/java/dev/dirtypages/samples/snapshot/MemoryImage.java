package dev.dirtypages.samples.snapshot;

import dev.dirtypages.samples.snapshot.ChannelClient.Region;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The memory a snapshot tool has copied so far: for each tracked region, which pages it holds and their
 * bytes (in chunks allocated as pages arrive). A page is either present, with the bytes of its last copy,
 * or absent (never copied, or outside a readable mapping when last looked at).
 */
final class MemoryImage {
    static final int PAGE = 4096;
    private static final int CHUNK_PAGES = 256;
    private static final int CHUNK = CHUNK_PAGES * PAGE;

    private final TreeMap<Long, RegionImage> regions = new TreeMap<>();

    /**
     * Makes the image cover exactly {@code now}: regions no longer listed are dropped, new ones added empty. A
     * region listed with another extent, name or generation than before is new: its pages are dropped with the
     * old one (an off-heap block armed in place of a freed one was written unseen in between).
     *
     * @return the regions added (the tool copies them whole)
     */
    List<Region> track(List<Region> now) {
        Map<Long, RegionImage> kept = new TreeMap<>();
        List<Region> added = new ArrayList<>();
        for (Region r : now) {
            RegionImage old = regions.get(r.start());
            if (old != null && old.region.equals(r)) {
                kept.put(r.start(), old);
            } else {
                kept.put(r.start(), new RegionImage(r));
                added.add(r);
            }
        }
        regions.clear();
        regions.putAll(kept);
        return added;
    }

    List<Region> regions() {
        List<Region> out = new ArrayList<>();
        for (RegionImage r : regions.values()) {
            out.add(r.region);
        }
        return out;
    }

    /** Stores {@code data} (whole pages) copied from {@code address}; pages outside the regions are ignored. */
    void put(long address, ByteBuffer data) {
        RegionImage r = regionOf(address);
        if (r == null) {
            return;
        }
        int pages = data.remaining() / PAGE;
        for (int i = 0; i < pages; i++) {
            long page = address + (long) i * PAGE;
            if (page >= r.region.end()) {
                r = regionOf(page);
                if (r == null) {
                    return;
                }
            }
            int index = (int) ((page - r.region.start()) / PAGE);
            byte[] chunk = r.chunk(index / CHUNK_PAGES);
            data.get(data.position() + i * PAGE, chunk, (index % CHUNK_PAGES) * PAGE, PAGE);
            r.present.set(index);
        }
    }

    /** Marks {@code [start, end)} absent. */
    void absent(long start, long end) {
        for (RegionImage r : regions.values()) {
            long s = Math.max(start, r.region.start());
            long e = Math.min(end, r.region.end());
            if (s < e) {
                r.present.clear((int) ((s - r.region.start()) / PAGE), (int) ((e - r.region.start()) / PAGE));
            }
        }
    }

    boolean present(long page) {
        RegionImage r = regionOf(page);
        return r != null && r.present.get((int) ((page - r.region.start()) / PAGE));
    }

    /** Whether the image holds {@code page} with exactly the bytes at {@code data}'s position + {@code offset}. */
    boolean same(long page, ByteBuffer data, int offset) {
        RegionImage r = regionOf(page);
        if (r == null) {
            return false;
        }
        int index = (int) ((page - r.region.start()) / PAGE);
        if (!r.present.get(index)) {
            return false;
        }
        byte[] chunk = r.chunks[index / CHUNK_PAGES];
        int at = (index % CHUNK_PAGES) * PAGE;
        return ByteBuffer.wrap(chunk, at, PAGE).equals(data.slice(data.position() + offset, PAGE));
    }

    /** The absent pages of {@code [start, end)} (inside one region), as ascending runs. */
    List<long[]> absentRuns(long start, long end) {
        RegionImage r = regionOf(start);
        List<long[]> out = new ArrayList<>();
        if (r == null) {
            return out;
        }
        int from = (int) ((start - r.region.start()) / PAGE);
        int to = (int) ((Math.min(end, r.region.end()) - r.region.start()) / PAGE);
        int i = r.present.nextClearBit(from);
        while (i < to) {
            int j = Math.min(r.present.nextSetBit(i) < 0 ? to : r.present.nextSetBit(i), to);
            out.add(new long[] {r.region.start() + (long) i * PAGE, r.region.start() + (long) j * PAGE});
            i = r.present.nextClearBit(j);
        }
        return out;
    }

    /** Present pages in {@code [start, end)}. */
    long presentPages(long start, long end) {
        long n = 0;
        for (RegionImage r : regions.values()) {
            long s = Math.max(start, r.region.start());
            long e = Math.min(end, r.region.end());
            if (s < e) {
                n += r.present.get((int) ((s - r.region.start()) / PAGE), (int) ((e - r.region.start()) / PAGE))
                        .cardinality();
            }
        }
        return n;
    }

    long presentBytes() {
        long n = 0;
        for (RegionImage r : regions.values()) {
            n += (long) r.present.cardinality() * PAGE;
        }
        return n;
    }

    private RegionImage regionOf(long address) {
        Map.Entry<Long, RegionImage> e = regions.floorEntry(address);
        return e != null && address < e.getValue().region.end() ? e.getValue() : null;
    }

    private static final class RegionImage {
        final Region region;
        final BitSet present;
        final byte[][] chunks;

        RegionImage(Region region) {
            this.region = region;
            long pages = region.size() / PAGE;
            if (pages > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("region too large for this sample: " + region);
            }
            this.present = new BitSet((int) pages);
            this.chunks = new byte[(int) ((pages + CHUNK_PAGES - 1) / CHUNK_PAGES)][];
        }

        byte[] chunk(int i) {
            if (chunks[i] == null) {
                chunks[i] = new byte[CHUNK];
            }
            return chunks[i];
        }
    }
}
