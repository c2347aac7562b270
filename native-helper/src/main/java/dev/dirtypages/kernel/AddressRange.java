package dev.dirtypages.kernel;

/** A range of virtual addresses, {@code [start, end)}. */
public record AddressRange(long start, long end) {
    public AddressRange {
        if (Long.compareUnsigned(end, start) < 0) {
            throw new IllegalArgumentException(String.format("range [0x%x, 0x%x) ends before it starts", start, end));
        }
    }
}
