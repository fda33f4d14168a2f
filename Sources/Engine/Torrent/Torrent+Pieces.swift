import Foundation
import PeerWire
import Strategy
import TorrentModel

extension Torrent {
    /// Strikes that get a peer's address banned. A failed piece gives each peer that sent blocks of it
    /// one strike, or two when it sent the whole piece alone.
    static let strikesToBan = 3

    /// Hashes and writes a complete piece off the actor, then records the result.
    func verify(piece: Int, data: [UInt8]) {
        let storage = self.storage
        pendingWrites += 1
        Task {
            do {
                let ok = try await storage.verifyAndWrite(piece: piece, data: data)
                self.pendingWrites -= 1
                self.pieceChecked(piece, ok: ok)
                self.recycle(data)
            } catch {
                self.pendingWrites -= 1
                self.storageFailed(error)
            }
        }
    }

    /// Keeps a few piece buffers for reuse: fresh ones cost a page fault per 4 KiB on first write.
    private func recycle(_ buffer: [UInt8]) {
        if spareBuffers.count < 8 && buffer.count == metainfo.pieceLength { spareBuffers.append(buffer) }
    }

    private func pieceChecked(_ piece: Int, ok: Bool) {
        // A piece hashed while pausing still counts: its blocks are gone from memory.
        guard activity == .downloading || activity == .paused else { return }
        if ok {
            picker.pieceVerified(piece)
            renameCompletedFiles(touching: piece)
            // Every peer hears of it, even one that has the piece: a super-seed (BEP 16) learns from these
            // `have`s that its pieces arrived and spread (libtorrent's send_redundant_have does the same).
            for peer in peers.values { peer.link.send(.have(piece: piece)) }
            allowFastAfterVerifying(piece)
            if picker.isComplete { completed() }
            finishMayHaveChanged()
            // Complete while paused, say: the queue counts it as a seed from now on.
            publishQueueFacts()
            return
        }
        hashFailures += 1
        wasted += Int64(metainfo.geometry.length(ofPiece: piece))
        let contributors = picker.pieceFailed(piece)
        logger.warning("piece \(piece) failed its hash check; sent by \(contributors.count) peer(s)")
        for key in contributors {
            guard let peer = peers[key] else { continue }
            let host = peer.link.address.host
            strikes[host, default: 0] += contributors.count == 1 ? 2 : 1
            if strikes[host]! >= Self.strikesToBan {
                logger.warning("banning \(host): sent corrupt data repeatedly")
                bannedHosts.insert(host)
                for (other, candidate) in peers where candidate.link.address.host == host {
                    candidate.link.close()
                    releaseRequests(of: other)
                    discardBlocks(from: other)
                }
            }
        }
        for key in peers.keys { requestBlocks(from: key) }
    }

    /// Gives the files that this piece finished their final names.
    private func renameCompletedFiles(touching piece: Int) {
        let have = picker.have
        let done = Set(metainfo.slices(piece: piece).map(\.fileIndex)).filter {
            !metainfo.files[$0].isPadding && Storage.isComplete(file: $0, metainfo, have)
        }
        guard !done.isEmpty else { return }
        let storage = self.storage
        pendingRenames += 1
        Task {
            do {
                for index in done.sorted() { try await storage.fileCompleted(index) }
                self.pendingRenames -= 1
            } catch {
                self.storageFailed(error)
            }
        }
    }

    /// Throws away the blocks a banned peer sent for pieces still in progress, so that the peers that
    /// complete those pieces are not blamed for its data.
    private func discardBlocks(from key: PeerKey) {
        for piece in picker.piecesContributed(by: key) {
            _ = picker.pieceFailed(piece)
            pieceBuffers[piece] = nil
        }
    }

    /// Every piece is verified: tell peers we want nothing more and drop the seeds among them.
    private func completed() {
        guard activity == .downloading else { return }
        activity = .seeding
        completedAt = Date()
        // The trackers hear `completed` now.
        trackerWait?.cancel()
        logger.info("\(metainfo.name): download complete")
        for (key, peer) in peers {
            updateInterest(key)
            if picker.peerBitfield(key)?.isComplete == true { peer.link.close() }
        }
    }

    func storageFailed(_ error: Error) {
        switch activity {
        case .stopped, .paused, .error: return
        default: break
        }
        logger.error("\(metainfo.name): \(error)")
        activity = .error("\(error)")
        // Other torrents carry on; this one waits for `resume` (which rechecks) once the cause is fixed.
        Task { await self.halt() }
    }
}
