import Foundation

extension SwarmExecutable {
    public struct DaemonDidNotAnswer: Error, CustomStringConvertible {
        public var description: String
    }

    /// Starts `swarm daemon` for the state directory `state` on loopback (any port, no DHT), saving into
    /// `downloads`, and waits until `swarm list` answers. A daemon that exits or stays silent for `seconds`
    /// is stopped and reported.
    public static func startDaemon(
        state: String, downloads: String, extra: [String] = [], seconds: Double = 20
    ) throws -> Process {
        let process = Process()
        process.executableURL = try locate()
        process.arguments = [
            "daemon", "--state-dir", state, "--bind", "127.0.0.1", "--port", "0", "--no-dht", "--dir", downloads,
        ] + extra
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while try ProcessOutput.run(locate(), ["list", "--state-dir", state]).status != 0 {
            guard process.isRunning, Date() < deadline else {
                if process.isRunning { process.terminate(); process.waitUntilExit() }
                throw DaemonDidNotAnswer(description: "swarm daemon for \(state) did not answer within \(seconds) s")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return process
    }
}
