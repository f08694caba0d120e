// fork/exec with a parent-death signal. Linux sends PR_SET_PDEATHSIG when the *thread* that
// forked exits, not the process, so every spawn happens on one thread that lives as long as
// the daemon: Swift's worker threads come and go.
#define _GNU_SOURCE
#include "cspawn.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct request {
    const char *path;
    char *const *argv;
    char *const *envp;
    const char *cwd;
    int fds[4];
    pid_t result;
    int error;
    int done;
    struct request *next;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t posted = PTHREAD_COND_INITIALIZER;
static pthread_cond_t answered = PTHREAD_COND_INITIALIZER;
static struct request *queue;
static pthread_once_t started = PTHREAD_ONCE_INIT;

static void child(struct request *r, pid_t parent) {
    setpgid(0, 0);
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    // Lift the descriptors above 3 first so that placing one cannot clobber another.
    int lifted[4];
    for (int i = 0; i < 4; i++) lifted[i] = r->fds[i] >= 0 ? fcntl(r->fds[i], F_DUPFD, 10) : -1;
    for (int i = 0; i < 4; i++) {
        if (lifted[i] >= 0) dup2(lifted[i], i);
        else if (i < 3) {
            int null = open("/dev/null", O_RDWR);
            if (null >= 0 && null != i) { dup2(null, i); close(null); }
        }
    }
    int first = r->fds[3] >= 0 ? 4 : 3;
    for (int fd = first; fd < 65536; fd++) {
        if (close(fd) < 0 && errno == EBADF && fd > 1024) break;
    }
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (r->cwd && chdir(r->cwd) != 0) _exit(126);
    execve(r->path, r->argv, r->envp);
    _exit(127);
}

static void *spawner(void *unused) {
    (void)unused;
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!queue) pthread_cond_wait(&posted, &lock);
        struct request *r = queue;
        queue = r->next;
        pid_t parent = getpid();
        pid_t pid = fork();
        if (pid == 0) child(r, parent);
        r->result = pid;
        r->error = pid < 0 ? errno : 0;
        r->done = 1;
        pthread_cond_broadcast(&answered);
    }
    return NULL;
}

static void start(void) {
    pthread_t thread;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_create(&thread, &attr, spawner, NULL);
    pthread_attr_destroy(&attr);
}

pid_t cloudcafe_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                      int stdin_fd, int stdout_fd, int stderr_fd, int fd3) {
    pthread_once(&started, start);
    struct request r = {path, argv, envp, cwd, {stdin_fd, stdout_fd, stderr_fd, fd3}, -1, 0, 0, NULL};
    pthread_mutex_lock(&lock);
    struct request **tail = &queue;
    while (*tail) tail = &(*tail)->next;
    *tail = &r;
    pthread_cond_signal(&posted);
    while (!r.done) pthread_cond_wait(&answered, &lock);
    pthread_mutex_unlock(&lock);
    if (r.result < 0) errno = r.error;
    return r.result;
}

int cloudcafe_pidfd_open(pid_t pid) {
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int cloudcafe_wait(pid_t pid) {
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, 0);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -1;
    }
}

int cloudcafe_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    return fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
}
