import Foundation

/// Calls `beat` every `interval` seconds on a thread of its own (so a busy Dispatch pool never
/// delays it) until `stop()`.
final class Heartbeat: @unchecked Sendable {
    private let condition = NSCondition()
    private var stopped = false

    init(interval: TimeInterval, beat: @escaping @Sendable () -> Void) {
        let thread = Thread { [self] in
            condition.lock()
            var next = Date(timeIntervalSinceNow: interval)
            while !stopped {
                if condition.wait(until: next) { continue }  // woken: stopped, or spuriously
                condition.unlock()
                beat()
                condition.lock()
                next = Date(timeIntervalSinceNow: interval)
            }
            condition.unlock()
        }
        thread.name = "seglab-heartbeat"
        thread.start()
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.signal()
        condition.unlock()
    }
}
