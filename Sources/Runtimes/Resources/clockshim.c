// Preloaded (LD_PRELOAD) into a function's process. The daemon keeps, in an 8-byte file the
// process maps, the nanoseconds between the machine's wall clock and the virtual clock at the
// invocation's start; every wall-clock read adds it, so code sees the virtual instant
// advancing at machine speed. Only wall-clock reads change: sleeps and timeouts measured on
// monotonic clocks stay real, which is what libfaketime's monotonic faking breaks.
#define _GNU_SOURCE

#include <dlfcn.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static int (*real_clock_gettime)(clockid_t, struct timespec *);
static const volatile int64_t *offset_ns;

__attribute__((constructor)) static void load(void) {
    real_clock_gettime = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    const char *path = getenv("CLOUDCAFE_CLOCK_FILE");
    if (!path) return;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    void *map = mmap(NULL, sizeof(int64_t), PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    if (map != MAP_FAILED) offset_ns = (const volatile int64_t *)map;
}

static void shift(struct timespec *ts) {
    if (!offset_ns) return;
    int64_t offset = __atomic_load_n(offset_ns, __ATOMIC_RELAXED);
    int64_t ns = (int64_t)ts->tv_nsec + offset % 1000000000;
    int64_t s = (int64_t)ts->tv_sec + offset / 1000000000;
    if (ns >= 1000000000) { ns -= 1000000000; s += 1; }
    if (ns < 0) { ns += 1000000000; s -= 1; }
    ts->tv_sec = (time_t)s;
    ts->tv_nsec = (long)ns;
}

int clock_gettime(clockid_t clock, struct timespec *ts) {
    if (!real_clock_gettime) load();
    if (!real_clock_gettime) return -1;
    int r = real_clock_gettime(clock, ts);
    if (r == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) shift(ts);
    return r;
}

int gettimeofday(struct timeval *restrict tv, void *restrict tz) {
    (void)tz;
    struct timespec ts;
    int r = clock_gettime(CLOCK_REALTIME, &ts);
    struct timeval *volatile out = tv;  // glibc declares it nonnull; callers still pass NULL
    if (r == 0 && out) {
        out->tv_sec = ts.tv_sec;
        out->tv_usec = ts.tv_nsec / 1000;
    }
    return r;
}

time_t time(time_t *out) {
    struct timespec ts;
    if (clock_gettime(CLOCK_REALTIME, &ts) != 0) return (time_t)-1;
    if (out) *out = ts.tv_sec;
    return ts.tv_sec;
}

int timespec_get(struct timespec *ts, int base) {
    if (base != TIME_UTC) return 0;
    return clock_gettime(CLOCK_REALTIME, ts) == 0 ? base : 0;
}
