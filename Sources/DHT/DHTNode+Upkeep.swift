import Foundation
import NIOCore

/// Joining, keeping the table fresh, and the state file.
extension DHTNode {
    /// First contact: the saved nodes and the bootstrap nodes, then a lookup of our own id.
    func join() async {
        await withTaskGroup(of: Void.self) { group in
            for node in savedNodes.prefix(64) {
                group.addTask { _ = await self.query(.ping, to: node.address) }
            }
        }
        savedNodes = []
        await bootstrap()
    }

    /// Asks every bootstrap node for the nodes near our id, then looks our id up.
    public func bootstrap() async {
        lastBootstrap = now
        let addresses = await Self.resolve(configuration.bootstrap, ipv6: usesIPv6)
        await withTaskGroup(of: Void.self) { group in
            for address in addresses {
                let target = ownID
                group.addTask { _ = await self.query(.findNode(target: target, want: []), to: address) }
            }
        }
        if table.count > 0 { _ = await lookup(ownID, kind: .findNode) }
    }

    func maintain() async {
        guard !stopped else { return }
        let now = self.now
        store.expire(now: now)
        if table.count < Lookup.k, !configuration.bootstrap.isEmpty,
            lastBootstrap.map({ now - $0 >= configuration.maintenanceInterval }) ?? true
        {
            await bootstrap()
        }
        for node in table.questionableNodes(now: now).prefix(8) { ping(node) }
        if let stale = table.staleBuckets(now: now).first {
            table.touchBucket(stale, now: now)
            let target = table.refreshTarget(bucket: stale, using: &random)
            _ = await lookup(target, kind: .findNode)
        }
        if now - lastSave >= configuration.saveInterval { await save() }
    }

    /// Writes the id and the good nodes to the state file, off the actor's executor.
    func save() async {
        lastSave = now
        guard let url = configuration.stateFile else { return }
        let bytes = DHTState(id: ownID, nodes: table.goodNodes(now: now)).encoded
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                try? FileManager.default.createDirectory(
                    at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try? Data(bytes).write(to: url, options: .atomic)
                done.resume()
            }
        }
    }

    static func load(_ url: URL) async -> DHTState? {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                let state = (try? Data(contentsOf: url)).flatMap { DHTState(decoding: [UInt8]($0)) }
                done.resume(returning: state)
            }
        }
    }

    /// Numeric `host:port` entries as they are; host names through the resolver, off the actor.
    static func resolve(_ entries: [String], ipv6: Bool) async -> [NodeAddress] {
        await withCheckedContinuation { done in
            DispatchQueue.global().async {
                var out: [NodeAddress] = []
                for entry in entries {
                    guard let parsed = NodeAddress(entry) else { continue }
                    if parsed.addressBytes != nil {
                        if parsed.isIPv6 == ipv6 { out.append(parsed) }
                        continue
                    }
                    guard let resolved = try? SocketAddress.makeAddressResolvingHost(parsed.host, port: Int(parsed.port)),
                        let host = resolved.ipAddress
                    else { continue }
                    let address = NodeAddress(host: host, port: parsed.port)
                    if address.isIPv6 == ipv6 { out.append(address) }
                }
                done.resume(returning: out)
            }
        }
    }
}
