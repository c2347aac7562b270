/**
 * The snapshot channel: the consumers of dev.dirtypages.agent.consumer, reached from another process of the
 * same user through a Unix domain socket (option {@code channel=<directory>}, off by default). The protocol is
 * in docs/channel.md.
 */
package dev.dirtypages.agent.channel;
