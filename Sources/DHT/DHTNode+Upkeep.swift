import Foundation
import NIOCore
import NIOPosix

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
        let addresses = await resolve(configuration.bootstrap, ipv6: usesIPv6)
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

    /// Writes the id and the good nodes to the state file, on the thread pool.
    func save() async {
        lastSave = now
        guard let url = configuration.stateFile else { return }
        let bytes = DHTState(id: ownID, nodes: table.goodNodes(now: now)).encoded
        _ = try? await pool.runIfActive {
            try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? Data(bytes).write(to: url, options: .atomic)
        }
    }

    func load(_ url: URL) async -> DHTState? {
        let state = try? await pool.runIfActive {
            (try? Data(contentsOf: url)).flatMap { DHTState(decoding: [UInt8]($0)) }
        }
        return state ?? nil
    }

    /// Numeric `host:port` entries as they are; host names through the resolver, on the thread pool.
    func resolve(_ entries: [String], ipv6: Bool) async -> [NodeAddress] {
        var out: [NodeAddress] = []
        var names: [NodeAddress] = []
        for entry in entries {
            guard let parsed = NodeAddress(entry) else { continue }
            if parsed.addressBytes == nil {
                names.append(parsed)
            } else if parsed.isIPv6 == ipv6 {
                out.append(parsed)
            }
        }
        guard !names.isEmpty else { return out }
        let lookups = names
        let resolved = try? await pool.runIfActive {
            lookups.compactMap { name -> NodeAddress? in
                guard let address = try? SocketAddress.makeAddressResolvingHost(name.host, port: Int(name.port)),
                    let host = address.ipAddress
                else { return nil }
                return NodeAddress(host: host, port: name.port)
            }
        }
        return out + (resolved ?? []).filter { $0.isIPv6 == ipv6 }
    }
}
