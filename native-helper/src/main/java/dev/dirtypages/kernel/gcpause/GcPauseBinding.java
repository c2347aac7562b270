package dev.dirtypages.kernel.gcpause;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;

/**
 * The functions of {@code libdirtypages-gcpause.so} (src/main/c/dirtypages_gcpause.c), with the constants it
 * defines beside them. Registered against the library {@link GcPauseLibrary} loaded, never by name.
 */
final class GcPauseBinding {
    /** What {@code JNI_OnLoad} achieved: {@code dpgc_load_status()}. */
    static final int LOADED = 0;
    static final int NO_JVMTI = 1;
    static final int CAPABILITY_REFUSED = 2;
    static final int CALLBACKS_REFUSED = 3;

    /** {@code struct dpgc_record}: eleven u64. */
    static final int RECORD_LONGS = 12;
    /** {@code struct page_region}: three u64. */
    static final int REGION_LONGS = 3;

    private GcPauseBinding() {
    }

    static void register(NativeLibrary library) {
        Native.register(GcPauseBinding.class, library);
    }

    static native int dpgc_load_status();

    static native int dpgc_start(int maxRanges, long maxRegions, int maxRecords, Pointer pairs, int count);

    static native void dpgc_stop();

    static native long dpgc_set_ranges(Pointer pairs, int count);

    static native void dpgc_set_held(int held);

    static native void dpgc_java_scan(int delta);

    static native int dpgc_await(int timeoutMillis);

    static native int dpgc_drain(Pointer records, int maxRecords, Pointer regions, long maxRegions, Pointer counts);
}
