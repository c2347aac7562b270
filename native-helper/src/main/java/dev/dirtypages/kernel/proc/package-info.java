/** Discover regions: {@code /proc/<pid>/maps} and the kB tables of /proc, parsed apart from the I/O. */
package dev.dirtypages.kernel.proc;
