import ArgumentParser
import Foundation
import TerminalUI

/// `swarm ui-bench`: what the UI costs with a big session (see `RenderBenchmark`). Hidden; run it from a
/// release build (`Benchmarks/ui-render.sh`).
struct UIBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ui-bench", abstract: "Measure the UI's render cost with many torrents and peers.",
        shouldDisplay: false)

    @Option(help: "Torrents in the list.") var torrents = 10_000
    @Option(help: "Peers on the selected torrent.") var peers = 200
    @Option(help: "Frames to render.") var frames = 600
    @Option(help: "Terminal width.") var width = 160
    @Option(help: "Terminal height.") var height = 50

    func run() throws {
        for scrolls in [true, false] {
            var bench = RenderBenchmark()
            bench.torrents = torrents
            bench.peers = peers
            bench.frames = frames
            bench.size = Size(width: width, height: height)
            bench.scrolls = scrolls
            let cpuBefore = Self.cpuSeconds()
            let result = bench.run()
            let cpu = Self.cpuSeconds() - cpuBefore
            let frameMs = result.frameTimes.map(Self.milliseconds).sorted()
            let ingestMs = result.ingestTimes.map(Self.milliseconds).sorted()
            print("""
                \(scrolls ? "list scrolling" : "selection still, \(peers) peers drawn"): \(torrents) torrents, \
                \(width)x\(height), \(frames) frames at 10 fps, update every 250 ms
                  frame (render + compare): median \(Self.format(Self.percentile(frameMs, 0.5))) ms, \
                p99 \(Self.format(Self.percentile(frameMs, 0.99))) ms, max \(Self.format(frameMs.last ?? 0)) ms, \
                mean \(Self.format(frameMs.reduce(0, +) / Double(max(1, frameMs.count)))) ms
                  update (query, sort, history): median \(Self.format(Self.percentile(ingestMs, 0.5))) ms, \
                p99 \(Self.format(Self.percentile(ingestMs, 0.99))) ms, \
                mean \(Self.format(ingestMs.reduce(0, +) / Double(max(1, ingestMs.count)))) ms
                  UI busy: \(Self.format(result.coreShare * 100))% of one core; \
                process CPU \(Self.format(cpu)) s over \(Self.format(Self.milliseconds(result.simulated) / 1000)) s simulated; \
                \(result.changedCells / max(1, frames)) cells changed per frame
                """)
        }
    }

    private static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    private static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    private static func format(_ x: Double) -> String { String(format: "%.2f", x) }

    private static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
