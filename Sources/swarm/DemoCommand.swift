import ArgumentParser
import Engine
import CursesTerminal
import Foundation
import Logging
import TerminalUI

struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Watch a download in a built-in swarm on 127.0.0.1 (tracker, seeders and leechers in-process).",
        discussion: "Makes a payload in a temporary folder and deletes it when done or interrupted.")

    @Option(name: .long, help: "Size of the demo payload in MiB.")
    var size: Int = 48

    @Flag(name: .long, help: "Write one JSON object per line on stdout (implies --headless).")
    var json = false

    @Flag(name: .long, help: "Print progress lines instead of opening the full-screen UI.")
    var headless = false

    @Option(help: "UI theme name (dark, light, 16color) or path to a .theme file.")
    var theme: String?

    func validate() throws {
        guard (1...4096).contains(size) else { throw ValidationError("--size must be between 1 and 4096 MiB") }
    }

    func run() async throws {
        let signals = SignalWatcher()
        let demo: DemoSwarm
        let torrent: Torrent
        do {
            // In the UI nothing may write to the terminal behind curses' back.
            var logger = Logger(label: "swarm.demo", factory: { _ in SwiftLogNoOpLogHandler() })
            if json || headless {
                logger = Logger(label: "swarm.demo")
                logger.logLevel = .warning
            }
            demo = try DemoSwarm(logger: logger)
            torrent = try await demo.start(payloadMiB: size)
        } catch {
            throw failure("demo: \(error)", status: 1)
        }
        if !json && !headless {
            if let problem = await runInterface(demo, signals: signals) { throw failure(problem) }
            return
        }
        if !json {
            FileHandle.standardError.write(Data("demo swarm in \(demo.folder.path): \(DemoSwarm.cast.map(\.role).joined(separator: ", "))\n".utf8))
        }
        var reporter = ProgressReporter(json: json)
        var snapshot = await torrent.snapshot()
        var lastTable = ContinuousClock.now
        while !signals.stopRequested && !snapshot.isComplete {
            try? await Task.sleep(for: .milliseconds(250))
            snapshot = await torrent.snapshot()
            reporter.report(snapshot)
            if !json && ContinuousClock.now - lastTable >= .seconds(3) {
                lastTable = ContinuousClock.now
                Self.printPeers(snapshot)
            }
        }
        if snapshot.isComplete { reporter.report(snapshot, event: "complete") }
        await demo.stop()
    }

    /// The full-screen UI over the demo's session; quitting stops the demo and removes its files.
    @MainActor
    private func runInterface(_ demo: DemoSwarm, signals: SignalWatcher) async -> String? {
        let session = demo.session
        let directory = demo.folder.appendingPathComponent("added")
        let commands = SessionCommands(session: session, downloadDirectory: directory)
        var problem: String?
        do {
            try await TerminalApp.run(
                source: SnapshotFeed(
                    summary: { await SessionCommands.summary(of: session, downloadDirectory: directory) },
                    details: { await session.detail(of: $0) }) { await session.snapshots() }, commands: commands,
                options: TerminalOptions(theme: theme, stopRequested: signals.stopCheck))
        } catch {
            problem = "\(error)"
        }
        await demo.stop()
        return problem
    }

    private static func printPeers(_ s: TorrentSnapshot) {
        func pad(_ text: String, _ width: Int) -> String {
            text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
        }
        var lines = ["\n  " + pad("peer", 22) + pad("client", 18) + pad("have", 8) + pad("down", 14) + "up"]
        for p in s.peers {
            lines.append("  " + pad(p.address.description, 22) + pad(p.client.terminalSafe, 18)
                + pad(String(format: "%.1f%%", p.progress * 100), 8)
                + pad(ByteCount.format(p.downloadRate) + "/s", 14) + ByteCount.format(p.uploadRate) + "/s")
        }
        FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    }
}
