/**
 * The class the agent defines inside {@code java.base} (renamed) so that the hooks added to the JDK can
 * reach the agent: it may use {@code java.base} types only.
 */
package dev.dirtypages.agent.offheap.bridge;
