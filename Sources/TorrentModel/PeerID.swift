/// Azureus-style peer ids: `-SW0100-` followed by twelve random characters.
public enum PeerID {
    public static let clientPrefix = "-SW0100-"

    public static func generate() -> [UInt8] {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        var id = Array(clientPrefix.utf8)
        for _ in 0..<12 { id.append(alphabet.randomElement()!) }
        return id
    }

    /// A readable client name from a peer id ("libtorrent 2.0.8", "Transmission 3.00", ...).
    public static func clientName(_ id: [UInt8]) -> String {
        guard id.count == 20 else { return "unknown" }
        if id[0] == UInt8(ascii: "-") && id[7] == UInt8(ascii: "-") {
            let code = String(decoding: id[1...2], as: UTF8.self)
            let v = id[3...6].map { Character(UnicodeScalar($0)) }
            let names = [
                "LT": "libtorrent", "lt": "libTorrent", "TR": "Transmission", "qB": "qBittorrent",
                "DE": "Deluge", "AZ": "Vuze", "UT": "µTorrent", "SW": "Swarm", "RT": "rTorrent",
            ]
            guard let name = names[code] else { return "\(code) \(String(v))" }
            if code == "TR" { return "\(name) \(v[0]).\(v[1])\(v[2])" }
            return "\(name) \(v.prefix(3).map(String.init).joined(separator: "."))"
        }
        if id.starts(with: Array("A2-".utf8)) || id.starts(with: Array("aria2".utf8)) { return "aria2" }
        return "unknown"
    }
}
