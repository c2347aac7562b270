// The floor: what the kernel alone costs to arm, write and scan a pattern of pages, with no JVM, no JNA
// and no events. benchmarks/overhead compares the agent's scan cost against it.
//
//   gcc -O2 -o target/floor benchmarks/src/main/c/floor.c && target/floor [MiB] [dirty-permille] [rounds]
//
// Prints one line per configuration: the median and minimum of the scan + re-arm time per round, and
// the per-write fault cost (the first write to an armed page), in microseconds.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

// The machine's headers predate these (linux/userfaultfd.h, linux/fs.h of 6.7).
#define UFFD_USER_MODE_ONLY 1
#define UFFD_API 0xAAULL
#define UFFD_FEATURE_WP_UNPOPULATED (1ULL << 13)
#define UFFD_FEATURE_WP_ASYNC (1ULL << 15)
#define UFFDIO_API 0xc018aa3fUL
#define UFFDIO_REGISTER 0xc020aa00UL
#define UFFDIO_REGISTER_MODE_WP (1ULL << 1)
#define PAGEMAP_SCAN 0xc0606610UL
#define PM_SCAN_WP_MATCHING (1ULL << 0)
#define PM_SCAN_CHECK_WPASYNC (1ULL << 1)
#define PAGE_IS_WRITTEN (1ULL << 1)
#define PAGE_IS_PRESENT (1ULL << 3)
#define PAGE_IS_SWAPPED (1ULL << 4)
#define PAGE_IS_PFNZERO (1ULL << 5)

struct uffdio_api { uint64_t api, features, ioctls; };
struct uffdio_register { uint64_t start, len, mode, ioctls; };
struct page_region { uint64_t start, end, categories; };
struct pm_scan_arg {
    uint64_t size, flags, start, end, walk_end, vec, vec_len, max_pages;
    uint64_t category_inverted, category_mask, category_anyof_mask, return_mask;
};

static double now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *) a, y = *(const double *) b;
    return x < y ? -1 : x > y;
}

static void die(const char *what) {
    perror(what);
    exit(1);
}

// One scan + re-arm of [start, end), 512 regions per ioctl as the agent does; returns the pages found.
static long scan(int pagemap, char *start, char *end, struct page_region *vec) {
    long pages = 0;
    uint64_t cursor = (uint64_t) start;
    while (cursor < (uint64_t) end) {
        struct pm_scan_arg arg = {
            .size = sizeof arg, .flags = PM_SCAN_WP_MATCHING | PM_SCAN_CHECK_WPASYNC,
            .start = cursor, .end = (uint64_t) end, .vec = (uint64_t) vec, .vec_len = 512,
            // The agent's query (ScanQuery.COLLECT_AND_REARM): written pages that hold data, never a hole or the
            // zero page.
            .category_inverted = PAGE_IS_PFNZERO, .category_mask = PAGE_IS_WRITTEN | PAGE_IS_PFNZERO,
            .category_anyof_mask = PAGE_IS_PRESENT | PAGE_IS_SWAPPED, .return_mask = PAGE_IS_WRITTEN,
        };
        int n = ioctl(pagemap, PAGEMAP_SCAN, &arg);
        if (n < 0) die("PAGEMAP_SCAN");
        for (int i = 0; i < n; i++) pages += (vec[i].end - vec[i].start) / 4096;
        if (n < 512) break;
        cursor = arg.walk_end;
    }
    return pages;
}

int main(int argc, char **argv) {
    long mib = argc > 1 ? atol(argv[1]) : 1024;
    long permille = argc > 2 ? atol(argv[2]) : 10;
    int rounds = argc > 3 ? atoi(argv[3]) : 20;
    size_t len = (size_t) mib << 20;
    long npages = len / 4096;

    char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) die("mmap");
    madvise(mem, len, MADV_NOHUGEPAGE);
    memset(mem, 1, len);                                   // populated, as the JMH benchmark measures

    int uffd = syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK | UFFD_USER_MODE_ONLY);
    if (uffd < 0) die("userfaultfd");
    struct uffdio_api api = { .api = UFFD_API, .features = UFFD_FEATURE_WP_ASYNC | UFFD_FEATURE_WP_UNPOPULATED };
    if (ioctl(uffd, UFFDIO_API, &api)) die("UFFDIO_API");
    struct uffdio_register reg = { .start = (uint64_t) mem, .len = len, .mode = UFFDIO_REGISTER_MODE_WP };
    if (ioctl(uffd, UFFDIO_REGISTER, &reg)) die("UFFDIO_REGISTER");
    int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
    if (pagemap < 0) die("open pagemap");
    struct page_region *vec = calloc(512, sizeof *vec);
    scan(pagemap, mem, mem + len, vec);                    // arm

    long stride = permille > 0 ? 1000 / permille : 0;
    double *scans = calloc(rounds, sizeof *scans), *faults = calloc(rounds, sizeof *faults);
    for (int r = 0; r < rounds; r++) {
        long written = 0;
        double t0 = now_us();
        if (stride > 0)
            for (long p = r % stride; p < npages; p += stride, written++) mem[p * 4096 + 8] = (char) r;
        double t1 = now_us();
        long found = scan(pagemap, mem, mem + len, vec);
        double t2 = now_us();
        if (found != written) {
            fprintf(stderr, "round %d: wrote %ld pages, scan found %ld\n", r, written, found);
            return 2;
        }
        scans[r] = t2 - t1;
        faults[r] = written ? (t1 - t0) / written : 0;
    }
    qsort(scans, rounds, sizeof *scans, cmp);
    qsort(faults, rounds, sizeof *faults, cmp);
    printf("floor: %ld MiB, %ld permille dirty, %d rounds: scan+rearm median %.1f us (min %.1f), %.3f ms/GiB; "
           "first write to an armed page median %.3f us\n", mib, permille, rounds, scans[rounds / 2], scans[0],
           scans[rounds / 2] / 1000.0 * 1024.0 / mib, faults[rounds / 2]);
    return 0;
}
