import Foundation

/// Idle torrents cost nothing: a running torrent with no peer, no connection being made and no peer
/// to dial parks its tick (no timer at all) until a peer connects, peers are found, or a setting wants
/// the tick again. Thousands of idle seeds then wake nothing.
extension Torrent {
    /// Starts (or restarts) the twice-a-second tick.
    func startTicking() {
        tickParked = false
        tickTask?.cancel()
        tickTask = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(500))
                guard let self, !Task.isCancelled else { return }
                await self.tick()
                await self.checkSeedLimits()
                if await self.parkIfIdle() { return }
            }
        }
    }

    /// Restarts a parked tick; nothing when it runs.
    func wakeTicking() {
        guard tickParked, isRunning else { return }
        startTicking()
    }

    /// Whether the tick has nothing to do until something happens from outside.
    private func parkIfIdle() -> Bool {
        guard isIdle else { return false }
        tickParked = true
        return true
    }

    private var isIdle: Bool {
        isRunning && peers.isEmpty && pendingConnections == 0 && !hasPeersToDial && !watchesSeedingTime
    }

    /// A torrent just started that the first tick would park at once: idle, not super-seeding (its tick
    /// hands out offers), and not already past a ratio limit (the tick pauses it).
    var canParkAtStart: Bool {
        isIdle && superSeeder == nil && (ignoresSeedLimits || !reachedSeedLimit)
    }

    /// Known peers that `connectMore` may still dial (now or after their back-off).
    private var hasPeersToDial: Bool {
        knownPeers.contains { address, known in
            !known.connected && !bannedHosts.contains(address.host) && !(activity == .seeding && known.isSeed)
        }
    }

    /// A seeding-time limit must be noticed even with no peer around.
    private var watchesSeedingTime: Bool {
        activity == .seeding && !ignoresSeedLimits
            && TorrentSettings.effectiveSeedLimit(own: settings.seedTimeLimit, session: configuration.seedTimeLimit) != nil
    }

    /// Seeding time including the stretch since the last tick (a parked tick does not count it yet).
    var currentSeedingTime: Duration {
        guard activity == .seeding, let last = lastTickAt else { return seedingTime }
        return seedingTime + (now - last)
    }
}
