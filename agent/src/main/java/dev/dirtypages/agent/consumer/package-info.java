/**
 * Consumers with epochs of their own, for snapshot and checkpoint tools: "which ranges were written since my
 * last checkpoint?", on the consumer's schedule, while the sampler keeps scanning for JFR. In process through
 * {@link dev.dirtypages.agent.consumer.Consumers} (the agent's code and tests) and the platform MBean
 * {@link dev.dirtypages.agent.consumer.ConsumersMXBean} (applications); from another process through the
 * channel, dev.dirtypages.agent.channel.
 */
package dev.dirtypages.agent.consumer;
