#ifndef CLOUDCAFE_CSPAWN_H
#define CLOUDCAFE_CSPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` (NULL-terminated) in `cwd`, in a process group of
/// its own, with `stdin_fd`, `stdout_fd`, `stderr_fd` as 0, 1, 2 and `fd3` as 3 (none when
/// negative); every other descriptor is closed. The child is killed when the daemon dies,
/// however it dies. Returns the pid, or -1 with errno set.
pid_t cloudcafe_spawn(const char *path, char *const argv[], char *const envp[], const char *cwd,
                      int stdin_fd, int stdout_fd, int stderr_fd, int fd3);

/// A descriptor that becomes readable when `pid` exits, or -1 where the kernel lacks pidfds.
int cloudcafe_pidfd_open(pid_t pid);

/// A close-on-exec pipe whose read end does not block.
int cloudcafe_pipe(int fds[2]);

/// Waits for `pid` and returns its raw wait status, or -1.
int cloudcafe_wait(pid_t pid);

#endif
