package dev.dirtypages.agent.collector;

/**
 * A span of the heap as a scan cut it: what it was, and whether the scan measured it (collected and re-armed it)
 * or left it unarmed (young memory assumed written, free memory left alone).
 */
public record KindedSpan(long start, long end, MemoryKind kind, boolean measured) {
}
