/** Report: summaries of recordings that hold dirtypages events. */
package dev.dirtypages.agent.report;
