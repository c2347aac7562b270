/*
 * dirtypages GC-pause scans: the JVMTI glue and the one ioctl that Java cannot run inside a collection pause.
 *
 * GarbageCollectionStart and GarbageCollectionFinish run in the VM thread at the safepoint, where a handler may
 * neither call JNI nor allocate. Each handler here scans the armed ranges the Java side set beforehand with
 * PAGEMAP_SCAN (WP_MATCHING: report the written pages and write-protect them again, atomically), into memory
 * allocated beforehand, and leaves one record per scan for the Java side to drain on its own thread. The kernel
 * layer stays in Java (JNA); the Java side calls the dpgc_* functions below through JNA too.
 *
 * Bounded: when the region buffer fills, the scan stops where the kernel stopped; the pages past that point were
 * not write-protected, stay WRITTEN, and the next scan (of a pause or of the timer) reports them. The record says
 * so (DPGC_TRUNCATED). When the record buffer is full (the Java side has not drained), the pause is not scanned
 * at all, and counted.
 *
 * Locking: one pthread mutex guards the ranges, the buffers and the counters. A Java thread holds it only inside
 * the dpgc_* functions, in native code that calls neither JNI nor the JVM, so the VM thread waiting for it at the
 * safepoint never waits for a thread that waits for the safepoint.
 */
#include <errno.h>
#include <fcntl.h>
#include <jni.h>
#include <jvmti.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

/* include/uapi/linux/fs.h (Linux 6.7); the distribution's headers may be older. */
struct dpgc_pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};
struct dpgc_page_region {
    uint64_t start, end, categories;
};
#define DPGC_PAGEMAP_SCAN _IOWR('f', 16, struct dpgc_pm_scan_arg)
#define DPGC_PM_SCAN_WP_MATCHING (1ULL << 0)
#define DPGC_PAGE_IS_WRITTEN (1ULL << 1)
#define DPGC_PAGE_IS_PRESENT (1ULL << 3)
#define DPGC_PAGE_IS_SWAPPED (1ULL << 4)
#define DPGC_PAGE_IS_PFNZERO (1ULL << 5)

/* Record kinds and flags; the Java binding (GcPauseBinding) repeats them. */
#define DPGC_KIND_START 1
#define DPGC_KIND_END 2
#define DPGC_TRUNCATED 1ULL
#define DPGC_FAILED 2ULL
#define DPGC_HELD 4ULL
#define DPGC_OVERLAPPED 8ULL

/* Status of JNI_OnLoad: what dpgc_load_status() returns. */
#define DPGC_LOADED 0
#define DPGC_NO_JVMTI 1
#define DPGC_CAPABILITY_REFUSED 2
#define DPGC_CALLBACKS_REFUSED 3

/* One scan, as the Java side reads it: twelve u64, in this order. */
struct dpgc_record {
    uint64_t kind;       /* DPGC_KIND_START or DPGC_KIND_END */
    uint64_t pause;      /* the pause's number, from 1, counted since dpgc_start */
    uint64_t begin_ns;   /* CLOCK_MONOTONIC when the handler began */
    uint64_t end_ns;     /* CLOCK_MONOTONIC when its scan ended */
    uint64_t first;      /* index of its first page_region in the region buffer */
    uint64_t count;      /* page_regions it filled */
    uint64_t pages;      /* written pages they hold */
    uint64_t flags;      /* DPGC_TRUNCATED, DPGC_FAILED, DPGC_HELD, DPGC_OVERLAPPED */
    uint64_t error;      /* errno of a failed ioctl, else 0 */
    uint64_t ioctls;     /* ioctls issued */
    uint64_t ranges;     /* armed ranges scanned */
    uint64_t ranges_version; /* which dpgc_set_ranges call set them: 0 for dpgc_start's, then 1, 2, ... */
};

static jvmtiEnv *jvmti;
static int load_status = DPGC_NO_JVMTI;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static int pagemap_fd = -1;
static int wake_fd = -1;
static int enabled;
static int held;
static int java_scans;            /* Java scans in progress (dpgc_java_scan): a pause during one is flagged */

static uint64_t *ranges;          /* pairs start, end */
static int range_count;
static uint64_t ranges_version;
static int range_capacity;

static struct dpgc_page_region *regions;
static uint64_t region_used;
static uint64_t region_capacity;

static struct dpgc_record *records;
static uint64_t record_used;
static uint64_t record_capacity;

static int page_shift = 12;      /* log2 of the page size, read at dpgc_start */
static uint64_t pauses;
static uint64_t skipped_pauses;   /* pauses not scanned: the record buffer was full */
static int in_pause;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ULL + (uint64_t) ts.tv_nsec;
}

/* Scans the armed ranges into the region buffer. Called with the lock held, at the safepoint. */
static void scan(uint64_t kind, uint64_t begin) {
    if (record_used >= record_capacity) {
        skipped_pauses += kind == DPGC_KIND_START;
        return;
    }
    struct dpgc_record *r = &records[record_used++];
    memset(r, 0, sizeof *r);
    r->kind = kind;
    r->pause = pauses;
    r->begin_ns = begin;
    r->first = region_used;
    r->ranges_version = ranges_version;
    if (java_scans > 0) {
        r->flags |= DPGC_OVERLAPPED;
    }
    if (held) {
        r->flags |= DPGC_HELD;
        r->end_ns = now_ns();
        return;
    }
    for (int i = 0; i < range_count; i++) {
        uint64_t start = ranges[2 * i];
        uint64_t end = ranges[2 * i + 1];
        r->ranges++;
        while (start < end) {
            if (region_used >= region_capacity) {
                r->flags |= DPGC_TRUNCATED;
                goto done;
            }
            struct dpgc_pm_scan_arg arg = {
                .size = sizeof arg,
                .flags = DPGC_PM_SCAN_WP_MATCHING,
                .start = start,
                .end = end,
                .vec = (uint64_t) (uintptr_t) &regions[region_used],
                .vec_len = region_capacity - region_used,
                /* As the Java scans (ScanQuery.COLLECT_AND_REARM): written pages that hold data, never a hole, so
                   that a pause puts no PTE marker on reserved but unused heap, and never the zero page. */
                .category_inverted = DPGC_PAGE_IS_PFNZERO,
                .category_mask = DPGC_PAGE_IS_WRITTEN | DPGC_PAGE_IS_PFNZERO,
                .category_anyof_mask = DPGC_PAGE_IS_PRESENT | DPGC_PAGE_IS_SWAPPED,
                .return_mask = DPGC_PAGE_IS_WRITTEN,
            };
            /* No PM_SCAN_CHECK_WPASYNC: a stretch that lost its registration (the JVM remapped it) is skipped
               here; the next Java scan registers it again and reports all of it written. */
            int n = ioctl(pagemap_fd, DPGC_PAGEMAP_SCAN, &arg);
            r->ioctls++;
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                r->flags |= DPGC_FAILED;
                r->error = (uint64_t) errno;
                goto done;
            }
            for (int k = 0; k < n; k++) {
                r->pages += (regions[region_used + k].end - regions[region_used + k].start) >> page_shift;
            }
            region_used += (uint64_t) n;
            r->count += (uint64_t) n;
            if (arg.walk_end <= start) {
                break;   /* no progress: never expected, but never loop */
            }
            start = arg.walk_end;
        }
    }
done:
    r->end_ns = now_ns();
}

static void JNICALL on_gc_start(jvmtiEnv *env) {
    (void) env;
    uint64_t begin = now_ns();
    pthread_mutex_lock(&lock);
    if (enabled) {
        pauses++;
        in_pause = 1;
        scan(DPGC_KIND_START, begin);
    }
    pthread_mutex_unlock(&lock);
}

static void JNICALL on_gc_finish(jvmtiEnv *env) {
    (void) env;
    uint64_t begin = now_ns();
    pthread_mutex_lock(&lock);
    if (enabled && in_pause) {
        in_pause = 0;
        scan(DPGC_KIND_END, begin);
    }
    pthread_mutex_unlock(&lock);
    if (wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t ignored = write(wake_fd, &one, sizeof one);
        (void) ignored;
    }
}

/* Gets a JVMTI environment with the GC events. Works in the live phase too (a library loaded by an attached agent). */
JNIEXPORT jint JNICALL JNI_OnLoad(JavaVM *vm, void *reserved) {
    (void) reserved;
    if ((*vm)->GetEnv(vm, (void **) &jvmti, JVMTI_VERSION_1_2) != JNI_OK || jvmti == NULL) {
        load_status = DPGC_NO_JVMTI;
        return JNI_VERSION_1_8;
    }
    jvmtiCapabilities caps;
    memset(&caps, 0, sizeof caps);
    caps.can_generate_garbage_collection_events = 1;
    if ((*jvmti)->AddCapabilities(jvmti, &caps) != JVMTI_ERROR_NONE) {
        load_status = DPGC_CAPABILITY_REFUSED;
        return JNI_VERSION_1_8;
    }
    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof callbacks);
    callbacks.GarbageCollectionStart = on_gc_start;
    callbacks.GarbageCollectionFinish = on_gc_finish;
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, sizeof callbacks) != JVMTI_ERROR_NONE) {
        load_status = DPGC_CALLBACKS_REFUSED;
        return JNI_VERSION_1_8;
    }
    load_status = DPGC_LOADED;
    return JNI_VERSION_1_8;
}

/* DPGC_LOADED, or why the GC events are not available. */
JNIEXPORT int dpgc_load_status(void) {
    return load_status;
}

/*
 * Allocates the buffers, takes the first ranges to scan (count pairs start, end), opens /proc/self/pagemap and an
 * eventfd, and switches the GC events on. Returns 0, -errno, or a positive jvmtiError.
 */
JNIEXPORT int dpgc_start(int max_ranges, long max_regions, int max_records, const uint64_t *pairs, int count) {
    if (load_status != DPGC_LOADED) {
        return -ENOSYS;
    }
    pthread_mutex_lock(&lock);
    int result = 0;
    if (enabled) {
        result = -EBUSY;
        goto out;
    }
    /* Started again after dpgc_stop: the new capacities replace the old buffers, and what they held is dropped. */
    free(ranges);
    free(regions);
    free(records);
    range_count = 0;
    ranges_version = 0;
    region_used = 0;
    record_used = 0;
    skipped_pauses = 0;
    pauses = 0;
    held = 0;
    java_scans = 0;
    if (pagemap_fd >= 0) {
        close(pagemap_fd);
        pagemap_fd = -1;
    }
    ranges = calloc((size_t) max_ranges * 2, sizeof *ranges);
    regions = calloc((size_t) max_regions, sizeof *regions);
    records = calloc((size_t) max_records, sizeof *records);
    if (ranges == NULL || regions == NULL || records == NULL) {
        result = -ENOMEM;
        goto fail;
    }
    range_capacity = max_ranges;
    page_shift = __builtin_ctzl((unsigned long) sysconf(_SC_PAGESIZE));
    if (count > max_ranges) {
        result = -E2BIG;
        goto fail;
    }
    memcpy(ranges, pairs, (size_t) count * 2 * sizeof *ranges);
    range_count = count;
    region_capacity = (uint64_t) max_regions;
    record_capacity = (uint64_t) max_records;
    pagemap_fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap_fd < 0) {
        result = -errno;
        goto fail;
    }
    if (wake_fd < 0) {
        wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    }
    if (wake_fd < 0) {
        result = -errno;
        goto fail;
    }
    enabled = 1;
    pthread_mutex_unlock(&lock);
    /* Outside the lock: switching events on may wait for a safepoint, whose pause would wait for the lock. */
    /* The finish first: a pause between the two calls then has neither scan, not a start scan without its end. */
    jvmtiError e2 = (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH, NULL);
    jvmtiError e1 = (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START, NULL);
    if (e1 != JVMTI_ERROR_NONE || e2 != JVMTI_ERROR_NONE) {
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START, NULL);
        (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH, NULL);
        pthread_mutex_lock(&lock);
        enabled = 0;
        pthread_mutex_unlock(&lock);
        return e1 != JVMTI_ERROR_NONE ? (int) e1 : (int) e2;
    }
    return 0;
fail:
    free(ranges);
    free(regions);
    free(records);
    ranges = NULL;
    regions = NULL;
    records = NULL;
    if (pagemap_fd >= 0) {
        close(pagemap_fd);
        pagemap_fd = -1;
    }
out:
    pthread_mutex_unlock(&lock);
    return result;
}

/* Switches the GC events off; the buffers stay (a drain may still read them). */
JNIEXPORT void dpgc_stop(void) {
    if (load_status != DPGC_LOADED) {
        return;
    }
    (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_START, NULL);
    (*jvmti)->SetEventNotificationMode(jvmti, JVMTI_DISABLE, JVMTI_EVENT_GARBAGE_COLLECTION_FINISH, NULL);
    pthread_mutex_lock(&lock);
    enabled = 0;
    in_pause = 0;
    pthread_mutex_unlock(&lock);
    if (wake_fd >= 0) {
        uint64_t one = 1;
        ssize_t ignored = write(wake_fd, &one, sizeof one);
        (void) ignored;
    }
}

/*
 * Sets the ranges the next pauses scan: count pairs start, end. Returns their version (the records of the pauses
 * that scan them carry it: 1 for the first call, 2, ...), or -E2BIG beyond the capacity (nothing changes).
 */
JNIEXPORT int64_t dpgc_set_ranges(const uint64_t *pairs, int count) {
    pthread_mutex_lock(&lock);
    if (count > range_capacity) {
        pthread_mutex_unlock(&lock);
        return -E2BIG;
    }
    memcpy(ranges, pairs, (size_t) count * 2 * sizeof *ranges);
    range_count = count;
    int64_t version = (int64_t) ++ranges_version;
    pthread_mutex_unlock(&lock);
    return version;
}

/* While held (a consumer wants pages to stay WRITTEN), pauses are recorded but not scanned. */
JNIEXPORT void dpgc_set_held(int value) {
    pthread_mutex_lock(&lock);
    held = value;
    pthread_mutex_unlock(&lock);
}

/* A Java scan begins (+1) or ends (-1): a pause meanwhile shares its pages with it and is flagged. */
JNIEXPORT void dpgc_java_scan(int delta) {
    pthread_mutex_lock(&lock);
    java_scans += delta;
    pthread_mutex_unlock(&lock);
}

/* Waits up to timeout_ms for the end of a pause (or dpgc_stop). Returns 1 if woken, 0 on timeout. */
JNIEXPORT int dpgc_await(int timeout_ms) {
    if (wake_fd < 0) {
        return 0;
    }
    struct pollfd p = {.fd = wake_fd, .events = POLLIN};
    int n = poll(&p, 1, timeout_ms);
    if (n > 0) {
        uint64_t count;
        ssize_t ignored = read(wake_fd, &count, sizeof count);
        (void) ignored;
        return 1;
    }
    return 0;
}

/*
 * Moves the complete records (not those of a pause still in progress) and their regions out, and empties the
 * buffers. out_counts receives: records moved, regions moved, pauses skipped since the last drain.
 */
JNIEXPORT int dpgc_drain(struct dpgc_record *out_records, int max_records, struct dpgc_page_region *out_regions,
                         long max_regions, uint64_t *out_counts) {
    pthread_mutex_lock(&lock);
    uint64_t n = record_used;
    if (n > 0 && records[n - 1].kind == DPGC_KIND_START && in_pause) {
        n--;   /* its pause's end is still to come: drained with it */
    }
    uint64_t regions_n = n == 0 ? 0 : records[n - 1].first + records[n - 1].count;
    if (n > (uint64_t) max_records || regions_n > (uint64_t) max_regions) {
        pthread_mutex_unlock(&lock);
        return -E2BIG;
    }
    memcpy(out_records, records, n * sizeof *records);
    memcpy(out_regions, regions, regions_n * sizeof *regions);
    /* Keep what was not moved (a pause's start record, with its regions) at the front. */
    uint64_t keep = record_used - n;
    if (keep > 0) {
        uint64_t first = records[n].first;
        uint64_t count = region_used - first;
        memmove(regions, &regions[first], count * sizeof *regions);
        memmove(records, &records[n], keep * sizeof *records);
        for (uint64_t i = 0; i < keep; i++) {
            records[i].first -= first;
        }
        region_used = count;
    } else {
        region_used = 0;
    }
    record_used = keep;
    out_counts[0] = n;
    out_counts[1] = regions_n;
    out_counts[2] = skipped_pauses;
    skipped_pauses = 0;
    pthread_mutex_unlock(&lock);
    return 0;
}
