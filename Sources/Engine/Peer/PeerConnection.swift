import NIOConcurrencyHelpers
import NIOCore
import PeerWire
import TorrentModel

/// Runs one peer connection from handshake to close: reads the socket, splits it into messages and hands
/// them to the torrent in batches (one actor call per read, not per message), and serves the blocks the
/// torrent says to upload.
enum PeerConnection {
    static let handshakeTimeout: TimeAmount = .seconds(15)

    /// `torrent` (or `fetch`, for a magnet link's metadata) is set for connections we dialled; incoming
    /// ones find their torrent or fetch from the handshake.
    /// Returns whether the peer got past the handshake and was attached to a torrent (or, for a fetch,
    /// offered the metadata).
    static func run(
        _ connection: NIOAsyncChannel<ByteBuffer, ByteBuffer>, address: PeerAddress, torrent: Torrent?,
        fetch: MetadataFetch? = nil, session: Session
    ) async -> Bool {
        var attached = false
        let channel = connection.channel
        let link = PeerLink(channel: channel, address: address, isIncoming: torrent == nil && fetch == nil)
        let deadline = channel.eventLoop.scheduleTask(in: handshakeTimeout) { channel.close(promise: nil) }
        try? await connection.executeThenClose { inbound, _ in
            var iterator = inbound.makeAsyncIterator()
            var stream = MessageStream(decoder: MessageDecoder(
                maxMessageLength: max(1 << 17, (torrent?.metainfo.pieceCount ?? 0) / 8 + 16)))
            if let hash = torrent?.infoHash ?? fetch?.infoHash {
                let reserved = torrent.map { session.handshakeReserved(for: $0.metainfo) } ?? Handshake.defaultReserved
                link.sendRaw(Handshake(infoHash: hash, peerID: session.peerID, reserved: reserved).encoded)
            }
            var received: [UInt8] = []
            while received.count < Handshake.length {
                guard let chunk = try await iterator.next() else { return }
                stream.append(chunk)
                received += stream.readBytes(min(Handshake.length - received.count, stream.bufferedBytes)) ?? []
            }
            let handshake = try Handshake(decoding: received)
            guard handshake.peerID != session.peerID else { return }
            let target: Torrent
            if let torrent {
                guard handshake.infoHash == torrent.infoHash else { return }
                target = torrent
            } else if let fetch {
                guard handshake.infoHash == fetch.infoHash else { return }
                deadline.cancel()
                attached = await fetchMetadata(
                    &iterator, &stream, link: link, handshake: handshake, fetch: fetch, session: session)
                return
            } else {
                guard let found = await session.torrent(for: handshake.infoHash) else {
                    guard let fetch = await session.metadataFetch(for: handshake.infoHash) else { return }
                    link.sendRaw(Handshake(infoHash: fetch.infoHash, peerID: session.peerID).encoded)
                    deadline.cancel()
                    attached = await fetchMetadata(
                        &iterator, &stream, link: link, handshake: handshake, fetch: fetch, session: session)
                    return
                }
                target = found
                link.sendRaw(Handshake(
                    infoHash: target.infoHash, peerID: session.peerID,
                    reserved: session.handshakeReserved(for: target.metainfo)).encoded)
            }
            deadline.cancel()
            guard let key = await target.attach(link, handshake: handshake, localPeerID: session.peerID) else { return }
            attached = true
            let reason = await readLoop(
                iterator: &iterator, stream: &stream, key: key, torrent: target, link: link)
            await target.detach(key, reason: reason)
        }
        deadline.cancel()
        return attached
    }

    /// Blocks queued for upload at one peer beyond which new requests are dropped (the peer asks again).
    static let maxQueuedUploads = 1024

    static func readLoop(
        iterator: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator, stream: inout MessageStream,
        key: Int, torrent: Torrent, link: PeerLink
    ) async -> String {
        // Uploads are served by their own task, so that waiting for the disk or for the upload limit never
        // stops us reading the peer's messages (its cancels, HAVEs and blocks arrive on time).
        let (uploads, queue) = AsyncStream.makeStream(of: [BlockRef].self)
        let queued = NIOLockedValueBox(0)
        let writer = Task { await serveUploads(uploads, queued: queued, torrent: torrent, key: key, link: link) }
        defer {
            queue.finish()
            writer.cancel()
        }
        var held: HeldChunk?
        do {
            while true {
                var messages: [PeerMessage] = []
                while let message = try stream.next() { messages.append(message) }
                if !messages.isEmpty {
                    let reply = await torrent.handle(messages, from: key)
                    if let reason = reply.close { return reason }
                    let accepted = queued.withLockedValue { count -> Bool in
                        guard !reply.uploads.isEmpty, count < maxQueuedUploads else { return false }
                        count += reply.uploads.count
                        return true
                    }
                    if accepted {
                        queue.yield(reply.uploads)
                    } else if reply.rejectsDropped && !reply.uploads.isEmpty {
                        link.send(reply.uploads.map { PeerMessage.rejectRequest($0) })
                    }
                }
                if held == nil {
                    guard let chunk = try await iterator.next() else { return "closed by peer" }
                    // Under a download limit, reading pauses; the socket's buffers fill and TCP slows the peer.
                    let delay = torrent.downloadDelay(for: chunk.readableBytes)
                    guard delay > .zero else {
                        stream.append(chunk)
                        continue
                    }
                    held = HeldChunk(chunk, wait: delay)
                }
                // A read of up to 1 MiB is let through 64 KiB at a time over its wait, not at once at its end.
                let (step, due, last) = held!.nextStep()
                try await Task.sleep(until: due)
                stream.append(step)
                if last { held = nil }
            }
        } catch let error as WireError {
            return error.description
        } catch {
            return "connection error: \(error)"
        }
    }

    /// Reads the requested blocks from disk, waits out the upload limit, and sends them, in order.
    private static func serveUploads(
        _ uploads: AsyncStream<[BlockRef]>, queued: NIOLockedValueBox<Int>, torrent: Torrent, key: Int,
        link: PeerLink
    ) async {
        for await batch in uploads {
            do {
                let blocks = batch.map { (piece: $0.piece, begin: $0.begin, length: $0.length) }
                let data = try await torrent.storage.read(blocks: blocks)
                try await send(Array(zip(batch, data)), pacedBy: torrent, key: key, link: link)
            } catch {
                link.close()
                return
            }
            queued.withLockedValue { $0 -= batch.count }
        }
    }

    /// Under an upload limit, blocks leave in steps of about this many bytes.
    static let pacingStep = 64 * 1024
    /// The longest a reservation holds the upload limit for one peer, in seconds.
    static let longestReservation = 0.25

    /// Sends the blocks as the upload limit allows. Under a limit, the blocks of one piece are reserved
    /// together (at most a quarter of a second of the limit), so that the peers' pieces are finished one
    /// after another, not all side by side: each piece reaches its peer in a fraction of the time and is
    /// passed on sooner, and at the end of a flash crowd only the last piece is still travelling. The
    /// reserved bytes leave in steps of ``pacingStep`` spread over their slot (a batch of a hundred
    /// requests that left as one burst after a wait of seconds starved the peer meanwhile). Without a
    /// limit, the batch goes out in one write.
    private static func send(_ blocks: [(BlockRef, ByteBuffer)], pacedBy torrent: Torrent, key: Int, link: PeerLink) async throws {
        var ready: [(BlockRef, ByteBuffer)] = []
        var readyBytes = 0
        func flush() async {
            guard !ready.isEmpty else { return }
            link.send(ready.map { .piece(piece: $0.0.piece, begin: $0.0.begin, data: $0.1) })
            await torrent.sent(readyBytes, to: key)
            ready.removeAll(keepingCapacity: true)
            readyBytes = 0
        }
        var start = 0
        while start < blocks.count {
            let rate = torrent.uploadRate
            let most = rate.map { max(pacingStep, Int($0 * longestReservation)) } ?? Int.max
            var end = start
            var bytes = 0
            while end < blocks.count, end == start
                || (blocks[end].0.piece == blocks[start].0.piece && bytes + blocks[end].1.readableBytes <= most)
            {
                bytes += blocks[end].1.readableBytes
                end += 1
            }
            let wait = torrent.uploadDelay(for: bytes)
            let slotEnd = ContinuousClock.now + wait
            var index = start
            var left = bytes
            while index < end {
                var stepEnd = index
                var stepBytes = 0
                while stepEnd < end, stepEnd == index || stepBytes + blocks[stepEnd].1.readableBytes <= pacingStep {
                    stepBytes += blocks[stepEnd].1.readableBytes
                    stepEnd += 1
                }
                left -= stepBytes
                // A step is due once the limit has paid for it: the slot's end less what comes after it.
                if wait > .zero, let rate, rate > 0 {
                    let due = slotEnd - .seconds(Double(left) / rate)
                    if due > ContinuousClock.now {
                        await flush()
                        try await Task.sleep(until: due, clock: .continuous)
                    }
                }
                ready.append(contentsOf: blocks[index..<stepEnd])
                readyBytes += stepBytes
                index = stepEnd
            }
            start = end
        }
        await flush()
    }
}

/// Bytes read from a peer under a download limit, let through in steps spread evenly over the wait the
/// limit asked for the whole read: each step is due no earlier than the limit allows it.
struct HeldChunk {
    private var rest: ByteBuffer
    private let total: Int
    private var passed = 0
    private let start = ContinuousClock.now
    private let wait: Duration
    static let step = 64 * 1024

    init(_ chunk: ByteBuffer, wait: Duration) {
        rest = chunk
        total = chunk.readableBytes
        self.wait = wait
    }

    /// The next step, when it is due, and whether it is the last.
    mutating func nextStep() -> (ByteBuffer, due: ContinuousClock.Instant, last: Bool) {
        let length = min(rest.readableBytes, Self.step)
        let step = rest.readSlice(length: length) ?? ByteBuffer()
        passed += length
        let due = start + wait * (Double(passed) / Double(max(total, 1)))
        return (step, due, rest.readableBytes == 0)
    }
}
