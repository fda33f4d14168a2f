import Foundation
import XCTest

/// Finds the interop harness and the swarm binary, checks prerequisites, and runs scenarios.
enum Interop {
    /// A real program a scenario needs.
    struct Requirement: Sendable {
        let name: String
        let commands: [String]
        /// Extra check beyond the commands being on PATH; returns a problem, or nil.
        var check: (@Sendable () -> String?)? = nil

        static let opentracker = Requirement(name: "opentracker", commands: ["opentracker"])
        static let aria2 = Requirement(name: "aria2", commands: ["aria2c"])
        static let transmission = Requirement(
            name: "transmission", commands: ["transmission-cli", "transmission-daemon", "transmission-remote"])
        static let libtorrent = Requirement(name: "python3-libtorrent", commands: []) {
            Interop.shell(["/usr/bin/python3", "-c", "import libtorrent"]) == 0
                ? nil : "/usr/bin/python3 cannot import libtorrent (apt-get install python3-libtorrent)"
        }
    }

    /// The tools every scenario uses, besides the clients.
    static let baseCommands = ["bash", "unshare", "ip", "ss", "timeout", "openssl", "diff", "cmp", "/usr/bin/python3"]

    static let requireInterop = ProcessInfo.processInfo.environment["SWARM_REQUIRE_INTEROP"] == "1"

    /// Exit status with which a scenario says it cannot run yet (a Swarm feature is missing).
    static let skipStatus: Int32 = 77

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Runs `Scenarios/<script>` with `arguments` under `netns`, within `timeout` seconds.
    static func run(
        _ script: String, _ arguments: [String] = [], needs: [Requirement], timeout: Int = 300,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let setup = try prepare(needs)
        let scenario = scenariosDirectory.appendingPathComponent(script).path
        let log = FileManager.default.temporaryDirectory
            .appendingPathComponent("swarm-interop-\(UUID().uuidString).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw Failure(description: "cannot create \(log.path)")
        }
        defer { try? FileManager.default.removeItem(at: log) }
        let output = try FileHandle(forWritingTo: log)
        defer { try? output.close() }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/timeout")
        // timeout puts the scenario in its own process group and signals the whole group when time is up
        process.arguments = ["-k", "20", String(timeout), setup.interop.appendingPathComponent("netns").path,
                             "bash", scenario] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["SWARM_BIN"] = setup.swarm.path
        environment["SWARM_INTEROP_DIR"] = setup.interop.path
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        let started = Date()
        let label = ([script] + arguments).joined(separator: " ")
        try process.run()
        process.waitUntilExit()
        let seconds = String(format: "%.1f", Date().timeIntervalSince(started))
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)

        switch process.terminationStatus {
        case 0:
            let verdict = lines.last { $0.hasPrefix("PASS") } ?? "PASS"
            print("interop \(label): \(verdict) (\(seconds) s)")
        case skipStatus:
            let reason = lines.last { $0.hasPrefix("SKIP") } ?? "SKIP"
            throw XCTSkip("interop \(label): \(reason)", file: file, line: line)
        default:
            let status = process.terminationStatus
            let why = status == 124 || status == 137 ? "timed out after \(timeout) s" : "exited \(status)"
            let tail = lines.suffix(80).joined(separator: "\n")
            print("---- interop \(label): \(why) after \(seconds) s; output tail ----\n\(tail)\n---- end ----")
            let verdicts = lines.filter { $0.hasPrefix("FAIL") }.joined(separator: "\n")
            XCTFail("interop \(label) \(why): \(verdicts.isEmpty ? "(no FAIL line)" : verdicts) (output tail above)",
                    file: file, line: line)
        }
    }

    // MARK: Setup

    struct Setup {
        let interop: URL
        let swarm: URL
    }

    /// Checks the prerequisites; skips (or, with SWARM_REQUIRE_INTEROP=1, fails) naming what is missing.
    static func prepare(_ needs: [Requirement]) throws -> Setup {
        var missing: [String] = []
        if getuid() != 0 { missing.append("root (the scenarios create network namespaces)") }
        for command in baseCommands + needs.flatMap(\.commands) where which(command) == nil {
            missing.append("'\(command)' not found")
        }
        for requirement in needs {
            if let problem = requirement.check?() { missing.append(problem) }
        }
        let interop = interopDirectory
        if interop == nil {
            missing.append("the interop harness (set SWARM_INTEROP_DIR, or put it at <package root>/../shared/interop)")
        }
        if missing.isEmpty, !canUnshare {
            missing.append("'unshare -n' failed: no permission to create network namespaces")
        }
        guard missing.isEmpty, let interop else {
            let message = "interop prerequisites missing: " + missing.joined(separator: "; ")
            if requireInterop { throw Failure(description: message + " (SWARM_REQUIRE_INTEROP=1)") }
            throw XCTSkip(message)
        }
        return Setup(interop: interop, swarm: try swarmBinary())
    }

    /// The package root: the nearest folder above this file that holds Package.swift.
    static let packageRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url = url.deletingLastPathComponent()
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
    }()

    static let scenariosDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Scenarios")

    /// `SWARM_INTEROP_DIR`, else `shared/interop` beside the package root or beside one of its ancestors.
    static let interopDirectory: URL? = {
        func valid(_ url: URL) -> Bool {
            FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("netns").path)
        }
        if let path = ProcessInfo.processInfo.environment["SWARM_INTEROP_DIR"], !path.isEmpty {
            let url = URL(fileURLWithPath: path)
            return valid(url) ? url : nil
        }
        var parent = packageRoot.deletingLastPathComponent()
        while true {
            let candidate = parent.appendingPathComponent("shared/interop")
            if valid(candidate) { return candidate.standardizedFileURL }
            if parent.path == "/" { return nil }
            parent = parent.deletingLastPathComponent()
        }
    }()

    /// The swarm binary of this build: beside the test bundle, in the same products folder, because
    /// `swift test` (re)builds and relinks every product there before it runs the tests (checked with
    /// SwiftPM 6.3: an edit to Sources/swarm relinks .build/debug/swarm on `swift test`).
    static func swarmBinary() throws -> URL {
        let fm = FileManager.default
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["SWARM_BIN"], !path.isEmpty {
            candidates.append(URL(fileURLWithPath: path))
        } else {
            // `swift test` builds every product into the folder that holds the test bundle
            if let exe = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
                candidates.append(URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("swarm"))
            }
            candidates.append(packageRoot.appendingPathComponent(".build/debug/swarm"))
        }
        guard let binary = candidates.first(where: { fm.isExecutableFile(atPath: $0.path) }) else {
            throw Failure(description: "no swarm binary at \(candidates.map(\.path)); run `swift build` first")
        }
        return binary
    }

    // MARK: Shell helpers

    /// The full path of `command` (searched on PATH and the sbin folders), or nil.
    static func which(_ command: String) -> String? {
        if command.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: command) ? command : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/sbin", "/sbin"]
        return folders.map { "\($0)/\(command)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether this process may create a network namespace (root in a container may not).
    static let canUnshare: Bool = shell(["unshare", "-n", "true"]) == 0

    /// Runs a command quietly and returns its exit status (-1 if it could not start).
    static func shell(_ arguments: [String]) -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        do { try process.run() } catch { return -1 }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
