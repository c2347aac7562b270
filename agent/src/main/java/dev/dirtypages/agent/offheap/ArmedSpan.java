package dev.dirtypages.agent.offheap;

/**
 * Pages {@code [start, end)} of armed off-heap blocks, joined where the blocks' pages overlap or touch: what a
 * snapshot tool copies of the off-heap memory (the channel's {@code REGIONS}).
 *
 * @param name       the kinds of the blocks in it, as events name them, joined with '+' in declaration order
 *                   ({@code direct-buffer}, or {@code direct-buffer+unsafe-memory} for a span joining blocks of
 *                   both kinds)
 * @param generation the highest arming number of the blocks in it (every arming takes the next number). A span
 *                   listed again with the same extent and generation was covered by armed blocks all along, so
 *                   every write to it since was reported; a page that lost its last armed block in between (its
 *                   writes from then on are not reported) is in the span again only under a block armed later,
 *                   with a higher number
 */
public record ArmedSpan(long start, long end, String name, long generation) {
}
