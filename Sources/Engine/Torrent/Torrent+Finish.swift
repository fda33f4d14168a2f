import TorrentModel

/// Waiting for a download to finish, so that `swarm download` reports completion the moment it happens
/// rather than at its next look (it looked every 100 ms).
extension Torrent {
    /// Whether every wanted piece is verified and its files carry their final names, as
    /// ``TorrentSnapshot/isFinished`` says.
    var isFinished: Bool {
        pendingRenames == 0 && picker.have.intersection(wantedPieces).setCount == wantedPieces.setCount
    }

    /// Returns once the torrent is finished (at once when it already is), or when the calling task is
    /// cancelled.
    public func untilFinished() async {
        guard !isFinished else { return }
        let id = nextFinishWaiter
        nextFinishWaiter += 1
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                // Runs on this actor before any cancellation handler's hop below can.
                if Task.isCancelled { continuation.resume() } else { finishWaiters[id] = continuation }
            }
        } onCancel: {
            Task { await self.endFinishWait(id) }
        }
    }

    private func endFinishWait(_ id: Int) {
        finishWaiters.removeValue(forKey: id)?.resume()
    }

    /// Wakes the callers of ``untilFinished()`` when the torrent just finished.
    func finishMayHaveChanged() {
        guard !finishWaiters.isEmpty, isFinished else { return }
        let waiters = finishWaiters.values
        finishWaiters = [:]
        for waiter in waiters { waiter.resume() }
    }
}
