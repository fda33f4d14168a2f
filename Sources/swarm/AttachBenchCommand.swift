import ArgumentParser
import Control
import Foundation
import TerminalUI

/// `swarm attach-bench`: what the UI gets from a daemon, without a terminal. Subscribes as the UI does
/// (every 250 ms) and turns each view into the UI's rows, prints when the first view, the first with
/// `--expect` rows (some may still be checking) and the first complete one (restore over) arrived, then stays attached for `--hold` seconds
/// counting pushes. Hidden; `Benchmarks/store-startup.sh` runs it.
struct AttachBenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach-bench", abstract: "Measure how soon an attached UI gets the daemon's list.",
        shouldDisplay: false)

    @OptionGroup var state: StateOptions
    @Option(help: "Rows the complete list has.") var expect = 0
    @Option(help: "Seconds to stay attached after the complete list.") var hold = 0.0
    @Option(help: "Seconds to wait for the daemon's socket.") var wait = 30.0

    func run() async throws {
        // Started with the daemon, it may come first: retry until the socket answers.
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        var connected: ControlClient?
        while connected == nil {
            do {
                connected = try await ControlClient.connect(socketPath: state.paths.socket.path, clientName: "attach-bench")
            } catch ControlClientError.noDaemon where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(5))
            } catch {
                throw failure("\(error)", status: 1)
            }
        }
        guard let client = connected else { return }
        defer { client.close() }
        print("connected_at=\(Self.now())")
        var sawFirst = false
        var sawListed = false
        var complete = false
        var pushes = 0
        var rowsChanged = 0
        var summariesChanged = 0
        var previous: EngineView?
        var holdUntil = ContinuousClock.now
        do {
            for try await view in client.subscribe(intervalMilliseconds: 250, selected: nil) {
                let update = SwarmUpdate(view, selected: nil)
                if !complete, ProcessInfo.processInfo.environment["SWARM_ATTACH_BENCH_TRACE"] != nil {
                    print("view_at=\(Self.now()) rows=\(update.rows.count) restoring=\(view.restoring != nil)")
                }
                if !sawFirst {
                    sawFirst = true
                    print("first_view_at=\(Self.now()) rows=\(update.rows.count) restoring=\(view.restoring != nil)")
                }
                defer { previous = view }
                if !sawListed && update.rows.count >= max(expect, 1) {
                    sawListed = true
                    print("listed_view_at=\(Self.now()) rows=\(update.rows.count) restoring=\(view.restoring != nil)")
                }
                if complete, let previous {
                    pushes += 1
                    rowsChanged += EngineChanges(from: previous, to: view).changed.count
                    if previous.summary != view.summary { summariesChanged += 1 }
                    if ContinuousClock.now >= holdUntil { break }
                } else if view.restoring == nil && update.rows.count >= expect {
                    complete = true
                    print("full_view_at=\(Self.now()) rows=\(update.rows.count)")
                    fflush(nil)
                    holdUntil = ContinuousClock.now + .milliseconds(Int(hold * 1000))
                    if hold <= 0 { break }
                    // Pushes stop while nothing changes: wake up at the end of the hold all the same.
                    Task {
                        try? await Task.sleep(for: .milliseconds(Int(hold * 1000)))
                        client.close()
                    }
                }
            }
        } catch {
            // Closing the connection at the end of the hold ends the stream with an error.
            guard complete else { throw failure("\(error)", status: 1) }
        }
        print("pushes_while_attached=\(pushes) rows_changed=\(rowsChanged) summaries_changed=\(summariesChanged)")
    }

    private static func now() -> String { String(format: "%.3f", Date().timeIntervalSince1970) }
}
