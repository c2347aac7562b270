/**
 * The class the agent defines inside {@code java.base} (renamed) so that advice inlined into the JDK can
 * reach the agent: it may use {@code java.base} types only.
 */
package dev.dirtypages.agent.offheap.bridge;
