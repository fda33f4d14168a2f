import PeerWire
import Strategy
import TorrentModel

extension Torrent {
    /// Runs twice a second: rates and pipelines, snub detection, keep-alives, the choker, new connections.
    func tick() {
        let now = self.now
        guard activity == .downloading || activity == .seeding else { return }
        for key in peers.keys {
            peers[key]!.state.tick(now: now)
            let state = peers[key]!.state
            if now - state.lastReceivedAt > .seconds(180) {
                peers[key]!.link.close()
                continue
            }
            if state.isSnubbed && state.inFlight > state.pipelineDepth { releaseRequests(of: key) }
            if now - state.lastKeepAliveAt > .seconds(90) {
                peers[key]!.link.send(.keepAlive)
                peers[key]!.state.lastKeepAliveAt = now
            }
            updateInterest(key)
            requestBlocks(from: key)
        }
        // A slot freed by a peer that left or is done goes on at this tick, not at the next rechoke: a seed
        // whose unchoked libtorrent leechers all finished left the nine others choked until then, and they
        // finished in groups ten seconds apart (38 s against 10 s for the last of 16).
        if choker.isRechokeDue(now: now) || uploadSlotFreed { rechoke(now: now) }
        superSeedTick()
        sendPexMessages(now: now)
        connectMore()
        if now - lastStorageCheck >= .seconds(5) {
            lastStorageCheck = now
            let storage = self.storage
            Task {
                do { try await storage.checkStillThere() } catch { self.storageFailed(error) }
            }
        }
    }

    /// Applies the choker's decision: unchoke the chosen peers, choke the others.
    func rechoke(now: Duration) {
        uploadSlotFreed = false
        let seeding = activity == .seeding
        var candidates: [Choker.Peer] = []
        for (key, peer) in peers {
            var state = peer.state
            candidates.append(Choker.Peer(
                key: key, isInterested: state.peerInterested, downloadRate: state.download.rate(now: now),
                uploadRate: state.upload.rate(now: now), connectedAt: state.connectedAt, isSnubbed: state.isSnubbed,
                isSeed: picker.peerBitfield(key)?.isComplete ?? false,
                bytesHave: picker.peerBitfield(key).map(metainfo.geometry.byteCount(of:)) ?? 0,
                uploaded: state.upload.total, downloaded: state.download.total, amInterested: state.amInterested,
                isChokingUs: state.peerChoking, isHoarder: spreadLedger.isHoarder(key),
                piecesPassedOn: spreadLedger.passedOn[key] ?? 0, piecesHeldBack: spreadLedger.heldBack[key] ?? 0))
        }
        var decision = superSeedDecision(candidates) ?? choker.rechoke(peers: candidates, isSeeding: seeding, now: now)
        if configuration.freeRide { decision = Choker.Decision(unchoked: [], optimistic: nil) }
        optimisticPeer = decision.optimistic
        logger.debug("\(metainfo.name): rechoke \(seeding ? "seeding" : "leeching") \(describe(candidates, decision))")
        for key in peers.keys {
            setChoked(key, !decision.unchoked.contains(key))
        }
    }

    /// One line per rechoke for the debug log: each peer's address, `U` unchoked (`O` optimistic), `i` it is
    /// interested, `w` we are, `F` a free rider, `p`/`h` pieces the ledger saw it pass on / hold back, and MiB
    /// sent to / received from it.
    private func describe(_ candidates: [Choker.Peer], _ decision: Choker.Decision) -> String {
        candidates.sorted { $0.key < $1.key }.map { peer in
            let address = peers[peer.key].map { "\($0.link.address.host)" } ?? "?"
            let mark = decision.optimistic == peer.key ? "O" : decision.unchoked.contains(peer.key) ? "U" : "-"
            let flags = (peer.isInterested ? "i" : "") + (peer.amInterested ? "w" : "")
                + (choker.freeRiders.contains(peer.key) ? "F" : "") + (peer.isSeed ? "S" : "")
            return "\(address)\(mark)\(flags) p\(peer.piecesPassedOn)h\(spreadLedger.heldBack[peer.key] ?? 0)"
                + " \(peer.uploaded >> 20)/\(peer.downloaded >> 20)"
        }.joined(separator: "; ")
    }

    /// Unchokes an interested newcomer at once when fewer peers than the slots are unchoked.
    func unchokeIfSlotFree(_ key: PeerKey) {
        let unchoked = peers.values.filter { !$0.state.amChoking }.count
        guard !configuration.freeRide, !spreadLedger.isHoarder(key), !choker.freeRiding.contains(key) else { return }
        if unchoked < configuration.unchokeSlots + 1 || isSuperSeeding { setChoked(key, false) }
    }

    private func setChoked(_ key: PeerKey, _ choked: Bool) {
        guard let peer = peers[key], peer.state.amChoking != choked else { return }
        peers[key]!.state.amChoking = choked
        peer.link.send(choked ? .choke : .unchoke)
    }
}
