import ArgumentParser
import Engine
import Foundation
import TorrentModel

/// DHT flags shared by every command that runs a session. The DHT is on, but Swarm has no built-in
/// bootstrap routers: it joins through `--dht-bootstrap` nodes and the peers that send it their DHT port.
struct DHTOptions: ParsableArguments {
    @Flag(name: .customLong("no-dht"), help: "Do not use the DHT (never used for private torrents anyway).")
    var noDHT = false

    @Option(
        name: .customLong("dht-bootstrap"), parsing: .singleValue,
        help: ArgumentHelp("A DHT node to join through, as HOST:PORT (repeatable).", valueName: "host:port"))
    var bootstrap: [String] = []

    @Option(name: .customLong("dht-port"), help: "UDP port of the DHT node (default: the --port number; 0: any).")
    var port: Int?

    @Option(
        name: .customLong("dht-state"),
        help: ArgumentHelp("File that keeps the DHT node id and good nodes between runs.", valueName: "file"))
    var stateFile: String?

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--dht-port must be between 0 and 65535") }
        for text in bootstrap where PeerAddress(text) == nil {
            throw ValidationError("--dht-bootstrap '\(text)' is not HOST:PORT")
        }
    }

    var settings: DHTSettings {
        DHTSettings(
            enabled: !noDHT, port: port, bootstrap: bootstrap,
            stateFile: stateFile.map { URL(fileURLWithPath: $0) })
    }

    /// The same flags for another command line (the daemon the UI starts).
    var arguments: [String] {
        var out = noDHT ? ["--no-dht"] : []
        for node in bootstrap { out += ["--dht-bootstrap", node] }
        if let port { out += ["--dht-port", "\(port)"] }
        if let stateFile { out += ["--dht-state", stateFile] }
        return out
    }
}
