package dev.dirtypages.agent.consumer;

/**
 * The consumers, as a platform MBean named {@value #OBJECT_NAME}: how an application reaches them. The
 * agent's classes are invisible to the application (they live in the agent's own class loader), but the
 * platform MBean server is the JDK's, and an MXBean speaks only JDK types:
 *
 * <pre>{@code
 * MBeanServer server = ManagementFactory.getPlatformMBeanServer();
 * ObjectName consumers = new ObjectName("dev.dirtypages:type=Consumers");
 * server.invoke(consumers, "register", new Object[] {"my-dump", 0}, new String[] {"java.lang.String", "int"});
 * // ... later, on the application's own schedule:
 * CompositeData c = (CompositeData) server.invoke(consumers, "checkpoint", new Object[] {"my-dump"},
 *         new String[] {"java.lang.String"});
 * long[] ranges = (long[]) c.get("ranges");               // start0, end0, start1, end1, ...
 * long coarsened = (Long) c.get("coarsenedBytes");        // 0: exact
 * }</pre>
 *
 * <p>The same MBean is visible over local JMX (jconsole, JMC's MBean browser), and over remote JMX if the
 * application enables it, with whatever authentication it configures there. Freezing is left to the
 * channel (dev.dirtypages.agent.channel), whose freeze ends with the connection.
 */
public interface ConsumersMXBean {
    String OBJECT_NAME = "dev.dirtypages:type=Consumers";

    /**
     * Registers a consumer; its first epoch starts now.
     *
     * @param name      1 to 64 of {@code A-Z a-z 0-9 . _ -}
     * @param maxRanges the most ranges it keeps between checkpoints (0: {@value Consumers#DEFAULT_MAX_RANGES});
     *                  beyond it the closest ranges are joined and the checkpoint says so
     */
    void register(String name, int maxRanges);

    /** Forgets a consumer. */
    boolean unregister(String name);

    /** Scans now and hands back every range written since the consumer's previous checkpoint. */
    Checkpoint checkpoint(String name);

    /** One line per consumer: name, pending ranges and bytes, coarsened bytes, bound, checkpoints, idle time. */
    String[] getConsumers();

    /**
     * One line per tracked region and per span of armed off-heap blocks, in address order, as the channel's
     * {@code REGIONS} lists them: {@code start-end name}, or {@code start-end name generation=<g>} for a span
     * (hexadecimal, end exclusive).
     */
    String[] getRegions();
}
