import TOMLKit

extension SwarmConfig {
    /// Parses the text of a `config.toml`. Unknown keys, wrong types and values out of range are errors
    /// naming `file` and the line; nothing in the text can crash the parser.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> SwarmConfig {
        // toml++ reads C strings: a NUL byte would cut the text short without a word.
        if let nul = text.firstIndex(of: "\u{0}") {
            let line = text[..<nul].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            throw ConfigError(file: file, line: line, problem: "the file contains a NUL byte")
        }
        if let problem = HeaderPrecheck.firstProblem(in: text) {
            throw ConfigError(file: file, line: problem.line, problem: problem.message)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigError(file: file, line: error.source.begin.line, problem: error.description)
        } catch {
            throw ConfigError(file: file, line: nil, problem: "\(error)")
        }
        var reader = ConfigReader(file: file, index: KeyLineIndex(text: text))
        var config = try reader.read(table)
        config.path = file
        return config
    }
}

/// Walks the parsed table against the known keys.
struct ConfigReader {
    let file: String
    let index: KeyLineIndex
    var config = SwarmConfig()

    static let kibibyte = 1024.0
    /// 1 TiB/s: no link is faster; larger numbers are typos.
    static let maxRateKiB = 1024.0 * 1024 * 1024

    private func fail(_ path: [String], _ problem: String) -> ConfigError {
        ConfigError(file: file, line: index.line(of: path), problem: problem)
    }

    private func name(_ path: [String]) -> String { path.joined(separator: ".") }

    mutating func read(_ root: TOMLTable) throws(ConfigError) -> SwarmConfig {
        for key in root.keys {
            let path = [key]
            guard let value = root[key] else { continue }
            switch key {
            case "listen_port": config.listenPort = try integer(value, path, in: 0...65535)
            case "bind": config.bindAddress = try string(value, path)
            case "download_directory": config.downloadDirectory = try string(value, path)
            case "watch_directory": config.watchDirectory = try string(value, path)
            case "limits": try readLimits(try table(value, path), path)
            case "seeding": try readSeeding(try table(value, path), path)
            case "ui": try readUI(try table(value, path), path)
            case "keys": try readKeys(try table(value, path), path)
            case "dht": try readDHT(try table(value, path), path)
            default: throw unknown(path)
            }
        }
        return config
    }

    private mutating func readLimits(_ table: TOMLTable, _ parent: [String]) throws(ConfigError) {
        for key in table.keys {
            let path = parent + [key]
            guard let value = table[key] else { continue }
            switch key {
            case "download": config.downloadLimit = try rate(value, path)
            case "upload": config.uploadLimit = try rate(value, path)
            case "max_active_downloads": config.maxActiveDownloads = try integer(value, path, in: 0...100_000)
            case "max_active_seeds": config.maxActiveSeeds = try integer(value, path, in: 0...100_000)
            case "max_connections": config.maxConnections = try integer(value, path, in: 1...100_000)
            case "max_peers_per_torrent": config.maxPeersPerTorrent = try integer(value, path, in: 1...10_000)
            default: throw unknown(path)
            }
        }
    }

    private mutating func readSeeding(_ table: TOMLTable, _ parent: [String]) throws(ConfigError) {
        for key in table.keys {
            let path = parent + [key]
            guard let value = table[key] else { continue }
            switch key {
            case "ratio": config.seedRatio = try number(value, path, in: 0...1_000_000)
            case "time_minutes": config.seedTime = try number(value, path, in: 0...52_560_000) * 60
            default: throw unknown(path)
            }
        }
    }

    private mutating func readUI(_ table: TOMLTable, _ parent: [String]) throws(ConfigError) {
        for key in table.keys {
            let path = parent + [key]
            guard let value = table[key] else { continue }
            switch key {
            case "theme": config.theme = try string(value, path)
            default: throw unknown(path)
            }
        }
    }

    /// `action = "key"` or `action = ["key", "key"]`; the UI knows the names (checked when it starts).
    private mutating func readKeys(_ table: TOMLTable, _ parent: [String]) throws(ConfigError) {
        for action in table.keys.sorted() {
            let path = parent + [action]
            guard let value = table[action] else { continue }
            var names: [String] = []
            if let single = value.string {
                names = [single]
            } else if let list = value.array {
                guard list.count <= 16 else { throw fail(path, "more than 16 keys for \(action)") }
                for element in list {
                    guard let name = element.string else { throw wrongType(path, element, "a key name or a list of them") }
                    names.append(name)
                }
            } else {
                throw wrongType(path, value, "a key name or a list of them")
            }
            for name in names where name.isEmpty || name.count > 32 {
                throw fail(path, "'\(name)' is not a key name")
            }
            config.keyBindings[action] = names
            config.keyLines[action] = index.line(of: path)
        }
    }

    private mutating func readDHT(_ table: TOMLTable, _ parent: [String]) throws(ConfigError) {
        for key in table.keys {
            let path = parent + [key]
            guard let value = table[key] else { continue }
            switch key {
            case "enabled":
                guard let flag = value.bool else { throw wrongType(path, value, "true or false") }
                config.dhtEnabled = flag
            case "bootstrap_nodes":
                guard let array = value.array else { throw wrongType(path, value, "a list of \"host:port\" strings") }
                guard array.count <= 1000 else { throw fail(path, "more than 1000 bootstrap nodes") }
                var nodes: [HostPort] = []
                for element in array {
                    guard let text = element.string else { throw wrongType(path, element, "a list of \"host:port\" strings") }
                    guard let node = HostPort(parsing: text) else {
                        throw fail(path, "'\(text)' is not host:port with a port from 1 to 65535")
                    }
                    nodes.append(node)
                }
                config.dhtBootstrapNodes = nodes
            default: throw unknown(path)
            }
        }
    }

    // MARK: - Values

    private func unknown(_ path: [String]) -> ConfigError {
        fail(path, "unknown key '\(name(path))'")
    }

    private func wrongType(_ path: [String], _ value: TOMLValueConvertible, _ expected: String) -> ConfigError {
        fail(path, "\(name(path)) must be \(expected), not \(Self.describe(value.type))")
    }

    private func table(_ value: TOMLValueConvertible, _ path: [String]) throws(ConfigError) -> TOMLTable {
        guard let table = value.table else { throw wrongType(path, value, "a table ([\(name(path))])") }
        return table
    }

    private func string(_ value: TOMLValueConvertible, _ path: [String]) throws(ConfigError) -> String {
        guard let text = value.string else { throw wrongType(path, value, "a string") }
        guard !text.isEmpty else { throw fail(path, "\(name(path)) must not be empty") }
        return text
    }

    private func integer(_ value: TOMLValueConvertible, _ path: [String], in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let number = value.int else { throw wrongType(path, value, "a whole number") }
        guard range.contains(number) else {
            throw fail(path, "\(name(path)) must be from \(range.lowerBound) to \(range.upperBound), not \(number)")
        }
        return number
    }

    private func number(_ value: TOMLValueConvertible, _ path: [String], in range: ClosedRange<Double>) throws(ConfigError) -> Double {
        let number: Double
        if let int = value.int {
            number = Double(int)
        } else if let double = value.double {
            number = double
        } else {
            throw wrongType(path, value, "a number")
        }
        guard number.isFinite, range.contains(number) else {
            throw fail(path, "\(name(path)) must be from \(Self.format(range.lowerBound)) to \(Self.format(range.upperBound)), not \(number)")
        }
        return number
    }

    /// A rate in KiB/s; 0 means no limit (nil). Returns bytes per second.
    private func rate(_ value: TOMLValueConvertible, _ path: [String]) throws(ConfigError) -> Double? {
        let kib = try number(value, path, in: 0...Self.maxRateKiB)
        return kib == 0 ? nil : kib * Self.kibibyte
    }

    private static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func describe(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "a list"
        case .string: "a string"
        case .int: "a whole number"
        case .double: "a number with a fraction"
        case .bool: "true or false"
        case .date, .time, .dateTime: "a date or time"
        }
    }
}
