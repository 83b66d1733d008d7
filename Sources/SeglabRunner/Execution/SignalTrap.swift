import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Catches SIGINT and SIGTERM and hands them to `handler` on a thread of its own.
///
/// The C handler only writes the signal number to a pipe (async-signal-safe); a dedicated thread
/// reads the pipe and calls `handler`, where taking a lock or writing SQLite is safe. The thread is
/// none of Dispatch's workers, so a grid that keeps every worker busy (`--jobs` ≥ cores) still
/// reacts at once.
final class SignalTrap {
    private let pipeIn: Int32
    private let pipeOut: Int32

    init(handler: @escaping @Sendable (Int32) -> Void) {
        var fds: [Int32] = [-1, -1]
        precondition(pipe(&fds) == 0, "cannot create a pipe for signals")
        (pipeOut, pipeIn) = (fds[0], fds[1])
        let readEnd = pipeOut
        let thread = Thread {
            var byte: UInt8 = 0
            while true {
                let n = read(readEnd, &byte, 1)
                if n < 0 && errno == EINTR { continue }
                if n != 1 || byte == 0 { break }  // 0: cancelled
                handler(Int32(byte))
            }
            close(readEnd)
        }
        thread.name = "seglab-signals"
        thread.start()
        signalPipe = pipeIn
        for sig in [SIGINT, SIGTERM] { signal(sig, forwardSignal) }
    }

    func cancel() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        signalPipe = -1
        var stop: UInt8 = 0
        _ = write(pipeIn, &stop, 1)
        close(pipeIn)
    }
}

/// The pipe's write end, for the C handler (which can capture nothing). A signal handler may
/// take no lock, so this word is exempt from Swift's checking: it is set before the handlers
/// are installed and reset after they are removed.
nonisolated(unsafe) private var signalPipe: Int32 = -1

private func forwardSignal(_ sig: Int32) {
    let saved = errno
    var byte = UInt8(truncatingIfNeeded: sig)
    _ = write(signalPipe, &byte, 1)
    errno = saved
}
