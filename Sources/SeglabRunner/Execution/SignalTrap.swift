import Dispatch
import Foundation

/// Catches SIGINT and SIGTERM on a Dispatch source (never in a raw signal handler, where
/// taking a lock or writing SQLite would be unsafe) and hands them to `handler`.
final class SignalTrap {
    private var sources: [DispatchSourceSignal] = []

    init(handler: @escaping (Int32) -> Void) {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { handler(sig) }
            source.resume()
            sources.append(source)
        }
    }

    func cancel() {
        sources.forEach { $0.cancel() }
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }
}
