package dev.dirtypages.agent.discover;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ByteSizesTest {
    @ParameterizedTest
    @CsvSource({
            "'512 MB', 536870912",
            "'512MB', 536870912",
            "'256M', 268435456",
            "'262144K', 268435456",
            "'262144 K', 268435456",
            "'1G', 1073741824",
            "'1 GB', 1073741824",
            "'1 GiB', 1073741824",
            "'2t', 2199023255552",
            "'40 g', 42949672960",
            "'4096', 4096",
            "'4096 B', 4096",
            "'4096 bytes', 4096",
            "' 12 KiB ', 12288",
            "'0K', 0",
    })
    void parsesHotSpotSizes(String text, long bytes) {
        assertEquals(bytes, ByteSizes.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "MB", "12 XB", "-1 MB", "1.5 GB", "0x100", "99999999999999999999", "9999999999999 T"})
    void rejectsWhatIsNotASize(String text) {
        assertThrows(IllegalArgumentException.class, () -> ByteSizes.parse(text));
    }

    @Test
    void formatsForLogLines() {
        assertEquals("256 MiB", ByteSizes.format(256L << 20));
        assertEquals("40 GiB", ByteSizes.format(40L << 30));
        assertEquals("1.5 GiB", ByteSizes.format(3L << 29));
        assertEquals("100 B", ByteSizes.format(100));
    }
}
