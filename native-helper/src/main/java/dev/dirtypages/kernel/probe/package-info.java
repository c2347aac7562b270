/** What this kernel and process can do, probed once, with a cause and a fix for each thing missing. */
package dev.dirtypages.kernel.probe;
