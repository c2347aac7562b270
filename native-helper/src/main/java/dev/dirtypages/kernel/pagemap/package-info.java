/**
 * Scan and re-arm: {@code PAGEMAP_SCAN} on {@code /proc/<pid>/pagemap} (linux/fs.h), with reusable
 * buffers and a visitor per region so that the scan loop allocates nothing.
 */
package dev.dirtypages.kernel.pagemap;
