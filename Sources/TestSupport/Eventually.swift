/// Waits until `condition` holds, looking every 20 ms; throws ``ConditionTimedOut`` when it still does
/// not after `timeout`. For tests that watch an engine reach a state.
public func eventually(
    within timeout: Duration = .seconds(5), _ what: String = "condition", _ condition: () async -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while true {
        if await condition() { return }
        guard ContinuousClock.now < deadline else { throw ConditionTimedOut(what: what, timeout: timeout) }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// What ``eventually(within:_:_:)`` throws: which condition, and how long it was given.
public struct ConditionTimedOut: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public var description: String { "\(what): still false after \(timeout)" }
}
