/**
 * The kernel layer of dirtypages: everything that talks to Linux, usable without the agent.
 *
 * <p>The packages follow the data flow:
 * <ul>
 *   <li>{@link dev.dirtypages.kernel.proc}: discover mappings ({@code /proc/self/maps}, parsed apart from the I/O);</li>
 *   <li>{@link dev.dirtypages.kernel.uffd}: register ranges with userfaultfd in write-protect-async mode;</li>
 *   <li>{@link dev.dirtypages.kernel.pagemap}: scan written pages and re-arm them atomically with {@code PAGEMAP_SCAN};</li>
 *   <li>{@link dev.dirtypages.kernel.track}: the two above combined into a tracker that keeps its ranges
 *       registered when the owner remaps them;</li>
 *   <li>{@link dev.dirtypages.kernel.probe}: what this kernel and process can do, and what to do when it cannot.</li>
 * </ul>
 * {@link dev.dirtypages.kernel.libc} and {@link dev.dirtypages.kernel.mman} hold the plain libc bindings
 * the others and the tests share.
 */
package dev.dirtypages.kernel;
