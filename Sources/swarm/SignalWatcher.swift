import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a stop flag and SIGUSR1 into a re-announce request, which the main
/// loop polls, so that shutdown is orderly (trackers hear `stopped`).
final class SignalWatcher {
    private var sources: [DispatchSourceSignal] = []
    private let stop = Flag()
    private let reannounce = Flag()

    init() {
        watch(SIGINT, stop)
        watch(SIGTERM, stop)
        watch(SIGUSR1, reannounce)
    }

    private func watch(_ number: Int32, _ flag: Flag) {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { flag.set(true) }
        source.resume()
        sources.append(source)
    }

    var stopRequested: Bool { stop.value }

    /// The stop flag as a closure other threads may poll.
    var stopCheck: @Sendable () -> Bool {
        let flag = stop
        return { flag.value }
    }

    /// True once per SIGUSR1 received.
    func takeReannounceRequest() -> Bool { reannounce.exchange(false) }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var state = false
    func set(_ value: Bool) { lock.withLock { state = value } }
    var value: Bool { lock.withLock { state } }
    func exchange(_ value: Bool) -> Bool { lock.withLock { defer { state = value }; return state } }
}
