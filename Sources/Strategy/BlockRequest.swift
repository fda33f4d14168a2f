import TorrentModel

/// The engine numbers its peer connections; the strategy only needs a stable key per connection.
public typealias PeerKey = Int

/// One block of a piece, as the picker hands it out: the same value the wire protocol requests.
public typealias BlockRequest = BlockRef
