import NIOCore

/// Turns the chunks a socket delivers into messages without copying the chunks.
///
/// Messages that lie inside one chunk are decoded in place (a `piece` message's data stays a slice of the
/// chunk). Only a message cut by a chunk boundary is copied, into a small buffer, which is all that is
/// ever copied: at most one message per chunk.
public struct MessageStream: Sendable {
    private let decoder: MessageDecoder
    private var current = ByteBuffer()
    /// The start of a message cut by the end of the previous chunk.
    private var partial: ByteBuffer?

    public init(decoder: MessageDecoder = MessageDecoder()) {
        self.decoder = decoder
    }

    /// Bytes received but not yet returned as messages.
    public var bufferedBytes: Int { current.readableBytes + (partial?.readableBytes ?? 0) }

    public mutating func append(_ chunk: ByteBuffer) {
        if current.readableBytes == 0 {
            current = chunk
        } else {
            // Only happens when `next()` was not drained; keep every byte, in order.
            current.writeImmutableBuffer(chunk)
        }
    }

    /// Reads raw bytes that precede the messages (the handshake); nil until `count` bytes are buffered.
    public mutating func readBytes(_ count: Int) -> [UInt8]? {
        precondition(partial == nil, "raw bytes come before any message")
        return current.readBytes(length: count)
    }

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next() throws(WireError) -> PeerMessage? {
        if partial != nil {
            guard try completePartial() else { return nil }
            var message = partial!
            partial = nil
            return try decoder.next(from: &message)
        }
        if let message = try decoder.next(from: &current) { return message }
        if current.readableBytes > 0 {
            // Copy the cut message out so that the big chunk it sits in can be released.
            var start = ByteBufferAllocator().buffer(capacity: max(current.readableBytes, 64))
            start.writeBuffer(&current)
            partial = start
        }
        current.clear()
        return nil
    }

    /// Moves bytes from `current` into `partial` until the cut message is whole. False if still short.
    private mutating func completePartial() throws(WireError) -> Bool {
        while true {
            let have = partial!.readableBytes
            let needed: Int
            if have < 4 {
                needed = 4 - have
            } else {
                let length = Int(partial!.getInteger(at: partial!.readerIndex, as: UInt32.self)!)
                guard length <= decoder.maxMessageLength else { throw .messageTooLong(length) }
                needed = 4 + length - have
            }
            if needed == 0 { return true }
            guard current.readableBytes > 0 else { return false }
            var piece = current.readSlice(length: min(needed, current.readableBytes))!
            partial!.writeBuffer(&piece)
        }
    }
}
