package dev.dirtypages.agent.discover;

import dev.dirtypages.kernel.proc.Mapping;
import dev.dirtypages.kernel.proc.MapsParser;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The captured outputs under {@code src/test/resources/dev/dirtypages/agent/discover/}, one set per JDK and
 * configuration ({@code jdk17-g1}, {@code jdk25-parallel-xmx40g}, ...); see {@link CaptureFixtures}.
 */
final class Fixtures {
    private Fixtures() {
    }

    static String gcHeapInfo(String capture) {
        return text(capture + ".gc-heap-info.txt");
    }

    static String vmInfo(String capture) {
        return text(capture + ".vm-info.txt");
    }

    static List<Mapping> maps(String capture) {
        return MapsParser.parse(text(capture + ".maps.txt"));
    }

    static String text(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
