package dev.dirtypages.kernel.gcpause;

import com.sun.jna.NativeLibrary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;

/**
 * Loads {@code libdirtypages-gcpause.so} once per JVM, the way JNA and async-profiler load theirs: copied from
 * the jar ({@code dev/dirtypages/kernel/gcpause/linux-<os.arch>/}) to a fresh file in the directory JNA extracts
 * its own to ({@code jna.tmpdir}, else {@code java.io.tmpdir}),
 * loaded with {@link System#load} (its {@code JNI_OnLoad} takes a JVMTI environment and the GC-event
 * capability), bound with JNA, and the file deleted (the mapping stays).
 */
public final class GcPauseLibrary {
    static final String NAME = "libdirtypages-gcpause.so";
    private static Result loaded;

    private GcPauseLibrary() {
    }

    /** Whether the library is loaded and its JVMTI environment has the GC events; else why not. */
    public record Result(boolean ok, String problem) {
    }

    /** Loads the library (once; later calls return the first result). */
    public static synchronized Result load() {
        if (loaded == null) {
            loaded = loadOnce();
        }
        return loaded;
    }

    static String resource() {
        return "/dev/dirtypages/kernel/gcpause/linux-" + System.getProperty("os.arch", "").toLowerCase(Locale.ROOT)
                + "/" + NAME;
    }

    private static Result loadOnce() {
        String resource = resource();
        // Where JNA extracts its own library: if JNA could load from there, so can this.
        Path tmp = Path.of(System.getProperty("jna.tmpdir", System.getProperty("java.io.tmpdir", "/tmp")));
        Path file = null;
        try (InputStream in = GcPauseLibrary.class.getResourceAsStream(resource)) {
            if (in == null) {
                return new Result(false, "no GC-pause library for linux-" + System.getProperty("os.arch")
                        + " in the agent jar (it holds linux-amd64, and linux-aarch64 where the build had a cross "
                        + "compiler)");
            }
            file = Files.createTempFile(tmp, "libdirtypages-gcpause-", ".so");
            Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            System.load(file.toAbsolutePath().toString());
            GcPauseBinding.register(NativeLibrary.getInstance(file.toAbsolutePath().toString()));
        } catch (UnsatisfiedLinkError e) {
            String why = String.valueOf(e.getMessage());
            if (why.contains("failed to map segment") || why.contains("operation not permitted")) {
                return new Result(false, "cannot load the GC-pause library from " + tmp + ", which is probably "
                        + "mounted noexec (" + why + "); fix: -Djna.tmpdir=<a directory on an exec mount>");
            }
            return new Result(false, "cannot load the GC-pause library: " + why);
        } catch (IOException | RuntimeException e) {
            return new Result(false, "cannot copy the GC-pause library to " + tmp + ": " + e
                    + "; fix: -Djna.tmpdir=<a writable directory>");
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (IOException e) {
                    // A file left in the temp directory; nothing else is lost.
                }
            }
        }
        int status = GcPauseBinding.dpgc_load_status();
        switch (status) {
            case GcPauseBinding.LOADED:
                return new Result(true, "");
            case GcPauseBinding.NO_JVMTI:
                return new Result(false, "this JVM gives no JVMTI environment to a loaded library");
            case GcPauseBinding.CAPABILITY_REFUSED:
                return new Result(false, "the JVM refused the JVMTI capability can_generate_garbage_collection_events");
            default:
                return new Result(false, "the JVM refused the JVMTI GC event callbacks (status " + status + ")");
        }
    }
}
