import CSpawn
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A process started for an execution environment: in a process group of its own (so its
/// children die with it) and killed by the kernel if the daemon dies first.
struct ChildProcess: Sendable {
    let pid: pid_t
    /// Readable once the process has exited; -1 where the kernel has no pidfds.
    let pidfd: Int32

    static func spawn(
        _ executable: String, arguments: [String], environment: [String: String], directory: String, stdout: Int32, stderr: Int32, fd3: Int32
    ) throws(SpawnError) -> ChildProcess {
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        let pid = argv.withUnsafeBufferPointer { a in
            envp.withUnsafeBufferPointer { e in
                cloudcafe_spawn(executable, a.baseAddress, e.baseAddress, directory, -1, stdout, stderr, fd3)
            }
        }
        guard pid > 0 else { throw SpawnError(reason: String(cString: strerror(errno))) }
        return ChildProcess(pid: pid, pidfd: cloudcafe_pidfd_open(pid))
    }

    /// Kills the process and everything it started.
    func kill() {
        _ = Glibc.kill(-pid, SIGKILL)
        _ = Glibc.kill(pid, SIGKILL)
    }

    /// A wait status as Lambda words it (`exit status 1`, `signal: killed`).
    static func describe(status: Int32) -> String {
        let signal = status & 0x7F
        if signal == 0 { return "exit status \((status >> 8) & 0xFF)" }
        let names: [Int32: String] = [
            SIGKILL: "killed", SIGSEGV: "segmentation fault", SIGABRT: "aborted", SIGTERM: "terminated", SIGBUS: "bus error",
            SIGILL: "illegal instruction", SIGFPE: "floating point exception", SIGPIPE: "broken pipe", SIGINT: "interrupt",
        ]
        return "signal: \(names[signal] ?? "signal \(signal)")"
    }
}

struct SpawnError: Error {
    let reason: String
}

/// A pipe whose read end stays with the daemon, non-blocking and close-on-exec.
struct OutputPipe {
    let read: Int32
    let write: Int32

    init() throws(SpawnError) {
        var fds: [Int32] = [0, 0]
        guard cloudcafe_pipe(&fds) == 0 else { throw SpawnError(reason: String(cString: strerror(errno))) }
        read = fds[0]
        write = fds[1]
    }
}
