import Testing
import TorrentModel

@testable import Strategy

// Helpers that let piece picker tests read like pictures, one character a piece (after libtorrent's
// test_piece_picker.cpp): `picker(have: "1100000", availability: "0123321")`.

/// "1010" → a bitfield with pieces 0 and 2.
func bitfield(_ picture: String) -> Bitfield {
    var bits = Bitfield(count: picture.count)
    for (index, character) in picture.enumerated() where character == "1" { bits[index] = true }
    return bits
}

/// A picker for a torrent of `have.count` pieces of `blocksPerPiece` full 16 KiB blocks each.
/// - availability: one digit a piece, how many peers have it. The peers are keys 1, 2, …, and peer n has
///   every piece whose digit is at least n, so peer 1 has every piece that anybody has.
/// - peers: instead of `availability`, the bitfields of peers 1, 2, … in order.
/// - priority: one digit a piece; default all 1.
func picker(
    have: String, availability: String? = nil, peers: [String] = [], priority: String? = nil,
    blocksPerPiece: Int = 4, seed: UInt64 = 1
) -> PiecePicker {
    let pieceLength = blocksPerPiece * PieceGeometry.blockSize
    let geometry = PieceGeometry(pieceLength: pieceLength, totalLength: Int64(have.count * pieceLength))
    var picker = PiecePicker(geometry: geometry, have: bitfield(have), seed: seed)
    if let priority {
        for (piece, digit) in priority.enumerated() { picker.setPriority(digit.wholeNumberValue!, ofPiece: piece) }
    }
    var bitfields = peers
    if let availability {
        precondition(peers.isEmpty, "give availability or peers, not both")
        let counts = availability.map { $0.wholeNumberValue! }
        bitfields = (0..<(counts.max() ?? 0)).map { n in String(counts.map { $0 > n ? "1" : "0" }) }
    }
    for (index, picture) in bitfields.enumerated() { picker.peerJoined(index + 1, has: bitfield(picture)) }
    return picker
}

extension PiecePicker {
    /// "4.1" → block 1 of piece 4, with its real length.
    func block(_ name: String) -> BlockRequest {
        let parts = name.split(separator: ".").map { Int($0)! }
        return BlockRequest(
            piece: parts[0], begin: parts[1] * PieceGeometry.blockSize,
            length: geometry.length(ofBlock: parts[1], inPiece: parts[0]))
    }

    /// One digit a piece: how many connected peers have it.
    var availabilityPicture: String {
        String((0..<geometry.pieceCount).map { Character(String(availability(ofPiece: $0))) })
    }

    /// Picks and names the blocks, e.g. ["4.0", "4.1"].
    mutating func pick(_ peer: PeerKey, _ count: Int) -> [String] {
        pickBlocks(for: peer, count: count).map(\.name)
    }

    /// Receives the named block from the peer.
    mutating func receive(_ name: String, from peer: PeerKey) -> BlockReceipt {
        blockReceived(block(name), from: peer)
    }
}

extension BlockRequest {
    /// "piece.block", e.g. "4.1".
    var name: String { "\(piece).\(begin / PieceGeometry.blockSize)" }
}

/// The distinct pieces of the named blocks, in order of first appearance.
func pieces(_ names: [String]) -> [Int] {
    var seen: [Int] = []
    for name in names {
        let piece = Int(name.split(separator: ".")[0])!
        if !seen.contains(piece) { seen.append(piece) }
    }
    return seen
}

func expectConsistent(_ picker: PiecePicker, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(picker.invariantViolations() == [], sourceLocation: sourceLocation)
}
