import TorrentModel

/// Every torrent's (and waiting magnet link's) queue place: given once, when it joins the session's
/// order, and saved with it (see `QueueOrder`). A removal leaves a gap; no other place changes, so no
/// other torrent needs saving again.
extension Session {
    /// Appends `hash` to the order with the next place, or with `savedPlace` (a restored torrent's) when
    /// that is above every place given so far.
    func appendToOrder(_ hash: InfoHash, savedPlace: Int? = nil) {
        let place = max(savedPlace ?? nextQueuePlace, nextQueuePlace)
        order.append(hash)
        queuePlaces[hash] = place
        nextQueuePlace = place + 1
    }

    /// Takes `hash` out of the order and out of the queue's board.
    func removeFromOrder(_ hash: InfoHash) {
        order.removeAll { $0 == hash }
        queuePlaces[hash] = nil
        queueBoard.unregister(hash)
    }

    /// The place saved with the torrent: increasing along `order`.
    func queuePlace(of hash: InfoHash) -> Int { queuePlaces[hash] ?? nextQueuePlace }
}
