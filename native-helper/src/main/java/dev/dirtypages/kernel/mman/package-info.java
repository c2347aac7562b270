/** Memory mappings: the mmap family, and anonymous mappings owned as {@code AutoCloseable} values. */
package dev.dirtypages.kernel.mman;
