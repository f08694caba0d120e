// valgrind 3.19 writes the signal mask rt_sigsuspend is given, and libdispatch (which runs
// Swift's async main) passes one in read-only memory: valgrind faults. Preloaded under
// valgrind only, this hands the kernel a writable copy instead.
#define _GNU_SOURCE
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy = *mask;
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}
