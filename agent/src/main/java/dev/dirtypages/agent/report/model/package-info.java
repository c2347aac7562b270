/** The report's model: a recording read in two streaming passes and downsampled to what a page draws. */
package dev.dirtypages.agent.report.model;
