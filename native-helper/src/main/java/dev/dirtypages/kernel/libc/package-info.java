/** File descriptors: the libc calls every kernel facility here opens and reads its files with. */
package dev.dirtypages.kernel.libc;
