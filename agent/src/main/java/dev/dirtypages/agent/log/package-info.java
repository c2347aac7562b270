/** The agent's log on stderr: a leaf every package may use, importing nothing of the agent's. */
package dev.dirtypages.agent.log;
