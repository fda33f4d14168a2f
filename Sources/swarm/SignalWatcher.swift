import Dispatch
import Foundation

/// Turns SIGINT and SIGTERM into a flag the main loop polls, so that shutdown is orderly.
final class SignalWatcher {
    private let sources: [DispatchSourceSignal]
    private let box = Flag()

    init(_ signals: [Int32] = [SIGINT, SIGTERM]) {
        let flag = box
        sources = signals.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { flag.set() }
            source.resume()
            return source
        }
    }

    var stopRequested: Bool { box.isSet }
}

private final class Flag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
