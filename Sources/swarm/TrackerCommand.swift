import ArgumentParser
import Engine
import Foundation
import NIOPosix

struct TrackerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tracker",
        abstract: "Run a BitTorrent tracker (HTTP and UDP on the same port) until interrupted.",
        discussion: "Announce URLs: http://HOST:PORT/announce and udp://HOST:PORT/announce.")

    @Option(name: .long, help: "Port for HTTP and UDP.")
    var port: Int = 6969

    @Option(name: .long, help: "Address to listen on.")
    var bind: String = "0.0.0.0"

    @Option(name: .long, help: "Seconds between announces that the tracker asks of clients.")
    var interval: Int = 60

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard interval >= 5 else { throw ValidationError("--interval must be at least 5 seconds") }
    }

    func run() async throws {
        let signals = SignalWatcher()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server: TrackerServer
        do {
            server = try await TrackerServer.start(host: bind, port: port, group: group, interval: interval)
        } catch {
            try? await group.shutdownGracefully()
            throw failure("\(error)")
        }
        FileHandle.standardError.write(Data(
            "tracker on http://\(bind):\(server.port)/announce and udp://\(bind):\(server.port)/announce\n".utf8))
        while !signals.stopRequested {
            try? await Task.sleep(for: .milliseconds(200))
        }
        await server.stop()
        try? await group.shutdownGracefully()
    }
}
