import ArgumentParser
import Engine

/// Where a session listens and sends from; shared by every command that runs one.
struct ListenOptions: ParsableArguments {
    @Option(name: .long, help: "TCP port for incoming peers (0: any free port; default 6881 or the config file's).")
    var port: Int?

    @Option(
        name: .long,
        help: "Local address to listen on and to connect and announce from (:: listens on IPv6 and IPv4).")
    var bind: String?

    @OptionGroup var dht: DHTOptions

    func validate() throws {
        guard (0...65535).contains(port ?? 6881) else { throw ValidationError("--port must be between 0 and 65535") }
    }

    var sessionConfiguration: SessionConfiguration {
        var configuration = SessionConfiguration(bindHost: bind, listenPort: port ?? 6881)
        configuration.dht = dht.settings
        return configuration
    }
}
