/// Writes one JSON object by hand, member by member in the order given: for lines written often, such as
/// `swarm download --json`'s progress, where `JSONSerialization` took a tenth of a starting process's CPU.
/// Values are written as ``RowsJSON`` writes list rows (non-finite numbers as strings).
public struct JSONObjectWriter: Sendable {
    public private(set) var bytes: [UInt8] = [UInt8(ascii: "{")]
    private var isEmpty = true

    public init() {}

    public mutating func add(_ key: String, _ value: String) {
        self.key(key)
        RowsJSON.string(value, &bytes)
    }

    public mutating func add(_ key: String, _ value: Int64) {
        self.key(key)
        RowsJSON.integer(value, &bytes)
    }

    public mutating func add(_ key: String, _ value: Int) { add(key, Int64(value)) }

    public mutating func add(_ key: String, _ value: Double) {
        self.key(key)
        RowsJSON.number(value, &bytes)
    }

    public mutating func add(_ key: String, _ value: Bool) {
        self.key(key)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    /// An array of objects, each written by `write`.
    public mutating func add<Element>(_ key: String, objects: [Element], _ write: (Element, inout JSONObjectWriter) -> Void) {
        self.key(key)
        bytes.append(UInt8(ascii: "["))
        for (index, element) in objects.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            var object = JSONObjectWriter()
            write(element, &object)
            bytes.append(contentsOf: object.finished)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    /// The object, closed.
    public var finished: [UInt8] { bytes + [UInt8(ascii: "}")] }

    /// The object as text, closed.
    public var text: String { String(decoding: finished, as: UTF8.self) }

    private mutating func key(_ key: String) {
        if !isEmpty { bytes.append(UInt8(ascii: ",")) }
        isEmpty = false
        RowsJSON.string(key, &bytes)
        bytes.append(UInt8(ascii: ":"))
    }
}
