/// Where we learned about a peer. Shown in the Peers tab; a peer heard of from several places keeps the
/// first.
public enum PeerSource: String, Sendable, Hashable, CaseIterable {
    case tracker, dht, pex, incoming, magnet, manual, unknown
}
