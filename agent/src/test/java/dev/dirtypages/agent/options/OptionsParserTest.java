package dev.dirtypages.agent.options;

import dev.dirtypages.agent.log.LogLevel;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class OptionsParserTest {
    @TempDir
    Path dir;

    @Test
    void noOptionsGiveTheDefaults() {
        for (String raw : new String[] {null, "", "   "}) {
            ParsedOptions parsed = OptionsParser.parse(raw);
            assertTrue(parsed.ok(), parsed.errors().toString());
            assertEquals(AgentOptions.defaults(), parsed.options());
        }
        assertEquals(Duration.ofSeconds(1), AgentOptions.defaults().interval());
        assertEquals(EnumSet.allOf(RegionKind.class), AgentOptions.defaults().regions());
    }

    @Test
    void allNamesEveryKindAndOffHeapKindsCanBeNamedAlone() {
        assertEquals(EnumSet.allOf(RegionKind.class), OptionsParser.parse("regions=all").options().regions());
        assertEquals(EnumSet.allOf(RegionKind.class), OptionsParser.parse("regions=heap+all").options().regions());
        assertEquals(EnumSet.of(RegionKind.HEAP, RegionKind.DIRECT, RegionKind.UNSAFE, RegionKind.ARENA),
                OptionsParser.parse("regions=heap+direct+unsafe+arena").options().regions());
        assertEquals(EnumSet.of(RegionKind.DIRECT), OptionsParser.parse("regions=direct").options().regions());
        assertEquals("interval=1s,regions=heap+unsafe,log=info,maxranges=10000,merge=0,arming=collector",
                OptionsParser.parse("regions=unsafe+heap").options().describe());
    }

    @Test
    void anUnknownKindNamesTheValidOnesIncludingAll() {
        ParsedOptions parsed = OptionsParser.parse("regions=stack");
        assertTrue(parsed.errors().get(0).contains("valid: heap, direct, unsafe, arena, all"), parsed.errors().get(0));
    }

    @Test
    void everyOptionIsParsedIntoTheValue() {
        Path file = dir.resolve("out.jfr");
        ParsedOptions parsed = OptionsParser.parse(
                "interval=200ms,regions=heap,file=" + file + ",log=debug,maxranges=42,merge=64k");
        assertTrue(parsed.ok(), parsed.errors().toString());
        AgentOptions o = parsed.options();
        assertEquals(Duration.ofMillis(200), o.interval());
        assertEquals(Set.of(RegionKind.HEAP), o.regions());
        assertEquals(Optional.of(file), o.file());
        assertEquals(LogLevel.DEBUG, o.log());
        assertEquals(42, o.maxRanges());
        assertEquals(64 * 1024, o.mergeGapBytes());
    }

    @Test
    void gcEpochsAreOffByDefaultAndRoundTripWhenOn() {
        assertEquals(false, AgentOptions.defaults().gcEpochs());
        ParsedOptions parsed = OptionsParser.parse("gcepochs=TRUE");
        assertTrue(parsed.ok(), parsed.errors().toString());
        assertTrue(parsed.options().gcEpochs());
        assertTrue(parsed.options().describe().endsWith(",gcepochs=true"), parsed.options().describe());
        assertEquals(parsed.options(), OptionsParser.parse(parsed.options().describe()).options());
        assertEquals(false, OptionsParser.parse("gcepochs=false").options().gcEpochs());
    }

    @Test
    void describeRoundTripsThroughTheParser() {
        AgentOptions o = OptionsParser.parse("interval=2m,log=warn,maxranges=0,merge=1m").options();
        assertEquals(o, OptionsParser.parse(o.describe()).options());
        assertEquals("interval=2m,regions=all,log=warn,maxranges=0,merge=1048576,arming=collector", o.describe());
    }

    @Test
    void adaptiveArmingTakesItsStripeAndScanCountsAndRoundTrips() {
        ParsedOptions parsed = OptionsParser.parse("arming=adaptive,stripe=64k,assumeafter=2,assumefor=20");
        assertTrue(parsed.ok(), parsed.errors().toString());
        assertEquals(new ArmingPolicy(ArmingPolicy.Mode.ADAPTIVE, 64 * 1024, 2, 20), parsed.options().arming());
        assertTrue(parsed.options().describe().endsWith(",arming=adaptive,stripe=64k,assumeafter=2,assumefor=20"),
                parsed.options().describe());
        assertEquals(parsed.options(), OptionsParser.parse(parsed.options().describe()).options());
        assertEquals(ArmingPolicy.COLLECTOR, AgentOptions.defaults().arming());
        assertEquals(ArmingPolicy.PLAIN, OptionsParser.parse("arming=plain").options().arming());
        assertEquals(new ArmingPolicy(ArmingPolicy.Mode.ADAPTIVE, 2L << 20, 3, 10), OptionsParser.parse("arming=ADAPTIVE").options().arming());
    }

    @Test
    void anEmptyRegionListTracksNothing() {
        ParsedOptions parsed = OptionsParser.parse("regions=");
        assertTrue(parsed.ok(), parsed.errors().toString());
        assertTrue(parsed.options().regions().isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"interval=0s", "interval=5ms", "interval=2h", "interval=-1s", "interval=1",
            "interval=1.5s", "interval=", "interval=s", "interval=99999999999999999999s", "interval=1 s"})
    void badIntervalsAreNamedWithTheValidRange(String raw) {
        ParsedOptions parsed = OptionsParser.parse(raw);
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertTrue(parsed.errors().get(0).startsWith("option interval="), parsed.errors().get(0));
    }

    @Test
    void unknownKeysNameTheValidOnes() {
        ParsedOptions parsed = OptionsParser.parse("intervall=1s");
        assertEquals(1, parsed.errors().size());
        String error = parsed.errors().get(0);
        assertTrue(error.contains("unknown option 'intervall'"), error);
        for (Option o : Option.values()) {
            assertTrue(error.contains(o.key()), error);
        }
    }

    @Test
    void duplicateKeysAreAnError() {
        ParsedOptions parsed = OptionsParser.parse("interval=1s,interval=2s");
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).contains("more than once"), parsed.errors().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interval", ",", "interval=1s,", "=1s", "regions=heap,,log=info"})
    void malformedListsAreReportedNotThrown(String raw) {
        ParsedOptions parsed = OptionsParser.parse(raw);
        assertFalse(parsed.ok());
    }

    @ParameterizedTest
    @ValueSource(strings = {"regions=stack", "regions=heap+", "regions=+heap", "log=loud", "maxranges=-1",
            "maxranges=lots", "maxranges=2000000", "merge=1x", "merge=-4", "merge=9999999g", "arming=lazy",
            "arming=", "gcepochs=yes", "gcepochs=", "stripe=3k", "stripe=0", "stripe=2g", "stripe=100", "assumeafter=0", "assumefor=1001",
            "assumefor=-1", "assumeafter=x"})
    void badValuesAreReported(String raw) {
        ParsedOptions parsed = OptionsParser.parse(raw);
        assertEquals(1, parsed.errors().size(), raw + " gave " + parsed.errors());
    }

    @Test
    void aFileInAMissingDirectoryIsRejected() {
        ParsedOptions parsed = OptionsParser.parse("file=" + dir.resolve("no/such/dir/x.jfr"));
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).contains("does not exist"), parsed.errors().get(0));
    }

    @Test
    void aDirectoryIsNotAFile() {
        ParsedOptions parsed = OptionsParser.parse("file=" + dir);
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).contains("is a directory"), parsed.errors().get(0));
    }

    @Test
    void aFileThatCannotBeCreatedIsRejectedEvenForRoot() {
        // Permission bits would let root through; /proc refuses new files whatever they say.
        ParsedOptions parsed = OptionsParser.parse("file=/proc/dirtypages-test.jfr");
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertTrue(parsed.errors().get(0).startsWith("option file=/proc/dirtypages-test.jfr: cannot be written by this process ("),
                parsed.errors().get(0));
    }

    @Test
    void aDeviceIsNotAFile() {
        ParsedOptions parsed = OptionsParser.parse("file=/dev/null");
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).contains("not a regular file"), parsed.errors().get(0));
    }

    @Test
    void checkingAFileLeavesNoTraceAndKeepsAnExistingOne() throws IOException {
        Path fresh = dir.resolve("fresh.jfr");
        assertTrue(OptionsParser.parse("file=" + fresh).ok());
        assertFalse(Files.exists(fresh), "the check created and removed it");
        Path existing = Files.writeString(dir.resolve("existing.jfr"), "kept");
        assertTrue(OptionsParser.parse("file=" + existing).ok());
        assertEquals("kept", Files.readString(existing));
    }

    @ParameterizedTest
    @ValueSource(strings = {"interval=99999999999999999999s", "interval=1000000000000ms"})
    void hugeIntervalsAreOutOfRangeNotMalformed(String raw) {
        ParsedOptions parsed = OptionsParser.parse(raw);
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).endsWith("must be between 10ms and 1h"), parsed.errors().get(0));
    }

    @Test
    void hugeMergeGapsAreOutOfRangeNotMalformed() {
        ParsedOptions parsed = OptionsParser.parse("merge=99999999999999999999999k");
        assertEquals(1, parsed.errors().size());
        assertTrue(parsed.errors().get(0).endsWith("must be at most 1t"), parsed.errors().get(0));
    }

    @Test
    void emptyOptionsAreReportedOnce() {
        ParsedOptions parsed = OptionsParser.parse(",,");
        assertEquals(1, parsed.errors().size(), parsed.errors().toString());
        assertTrue(parsed.errors().get(0).startsWith("empty option in ',,'"), parsed.errors().get(0));
    }

    @Test
    void everyErrorIsReportedAtOnce() {
        ParsedOptions parsed = OptionsParser.parse("interval=0s,bogus=1,log=loud");
        assertEquals(3, parsed.errors().size(), parsed.errors().toString());
    }

    @Test
    void theOptionsDocumentNamesEveryOption() throws IOException {
        Path doc = Path.of(System.getProperty("dirtypages.docs", "../docs")).resolve("options.md");
        String text = Files.readString(doc);
        for (Option o : Option.values()) {
            assertTrue(text.contains("| `" + o.key() + "="), "docs/options.md lacks a row for " + o.key());
        }
    }
}
