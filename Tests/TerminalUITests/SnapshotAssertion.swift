import Foundation
import Testing

@testable import TerminalUI

/// Whole-screen snapshots stored as text under `__Snapshots__`: the characters, then the role of each cell
/// (one code a cell, see `ColorRole.code`). Every line ends in `|` so trailing spaces survive editors.
/// `RECORD_SNAPSHOTS=1 swift test` rewrites them; otherwise a difference (or a missing file) fails.
func assertSnapshot(
    _ buffer: ScreenBuffer, named name: String, extra: String = "", sourceLocation: SourceLocation = #_sourceLocation
) {
    let actual = snapshotText(buffer) + (extra.isEmpty ? "" : "\n--- notes ---\n" + extra + "\n")
    let url = snapshotDirectory.appendingPathComponent(name + ".txt")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
        try? FileManager.default.createDirectory(at: snapshotDirectory, withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record("No snapshot \(name).txt; run with RECORD_SNAPSHOTS=1 to record it.\n\(actual)",
            sourceLocation: sourceLocation)
        return
    }
    guard expected != actual else { return }
    let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
    let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
    let line = zip(a, e).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, e.count)
    Issue.record(
        """
        Snapshot \(name) differs at line \(line + 1) (RECORD_SNAPSHOTS=1 re-records):
        expected: \(line < e.count ? String(e[line]) : "<end>")
        actual:   \(line < a.count ? String(a[line]) : "<end>")
        --- actual screen ---
        \(actual)
        """, sourceLocation: sourceLocation)
}

func snapshotText(_ buffer: ScreenBuffer) -> String {
    let text = buffer.text.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "|" }
    let roles = buffer.roleText.split(separator: "\n", omittingEmptySubsequences: false).map { $0 + "|" }
    return "\(buffer.size.width)x\(buffer.size.height)\n" + text.joined(separator: "\n") + "\n--- roles ---\n"
        + roles.joined(separator: "\n") + "\n"
}

let snapshotDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("__Snapshots__")

/// The role codes, for reading the role layer.
func roleLegend() -> String {
    ColorRole.allCases.map { "\($0.code) \($0.rawValue)" }.joined(separator: "\n")
}
