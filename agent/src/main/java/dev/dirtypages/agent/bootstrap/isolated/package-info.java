/**
 * The part of the bootstrap that runs inside the agent's isolated module: packed with the hidden classes
 * (under {@code inst/}), not with its visible parent package.
 */
package dev.dirtypages.agent.bootstrap.isolated;
