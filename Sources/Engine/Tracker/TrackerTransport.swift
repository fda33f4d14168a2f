import AsyncHTTPClient
import NIOCore
import NIOPosix
import TorrentModel
import Tracker

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Limits for one tracker request.
public struct TrackerRequestOptions: Sendable, Hashable {
    /// Whole-request timeout for HTTP(S).
    public var httpTimeout: Duration
    /// BEP 15 retransmission schedule for UDP.
    public var udpRetry: UDPRetrySchedule
    /// An overall cap from the start of the call, for any scheme (used for `stopped`).
    public var deadline: Duration?

    public init(httpTimeout: Duration = .seconds(15), udpRetry: UDPRetrySchedule = UDPRetrySchedule(), deadline: Duration? = nil) {
        self.httpTimeout = httpTimeout
        self.udpRetry = udpRetry
        self.deadline = deadline
    }
}

/// Talks to trackers over HTTP, HTTPS and UDP. One instance is shared by all torrents: it owns one HTTP
/// client (with its connection pool) on the given event loop group, and caches UDP connection ids.
///
/// Requests can be sent from a given local address (`bindHost`): trackers key peers by source IP, and the
/// interop tests give each client its own 127.0.0.x. AsyncHTTPClient supports this directly through
/// `HTTPClientRequest.localAddress` (it binds the client socket with `ClientBootstrap.bind(to:)`), so all of
/// HTTP and HTTPS goes through it; the address must be an IP literal. UDP uses a datagram socket bound to
/// `bindHost`, port 0.
public final class TrackerTransport: Sendable {
    public let group: any EventLoopGroup
    private let httpClient: HTTPClient
    private let udpConnections = TrackerUDPConnectionCache()
    private let origin = ContinuousClock.now
    /// Largest tracker response body accepted.
    static let maxBodyBytes = 2 << 20

    public init(group: any EventLoopGroup) {
        self.group = group
        var configuration = HTTPClient.Configuration(redirectConfiguration: .follow(max: 3, allowCycles: false))
        configuration.timeout = HTTPClient.Configuration.Timeout(connect: .seconds(10), read: .seconds(15))
        configuration.decompression = .enabled(limit: .size(Self.maxBodyBytes))
        self.httpClient = HTTPClient(eventLoopGroupProvider: .shared(group), configuration: configuration)
    }

    /// Closes the HTTP client. Call once, after the last request.
    public func shutdown() async {
        try? await httpClient.shutdown()
    }

    /// Announces to `url` (http, https or udp).
    public func announce(
        _ request: AnnounceRequest, to url: String, bindHost: String?, options: TrackerRequestOptions = TrackerRequestOptions()
    ) async throws(TrackerError) -> AnnounceResponse {
        let parsed = try Self.parse(url)
        switch parsed.scheme {
        case "http", "https":
            let target = try HTTPTrackerCodec.announceURL(url, request: request)
            let body = try await httpGet(target, bindHost: bindHost, options: options)
            return try HTTPTrackerCodec.parseAnnounceResponse(body)
        case "udp":
            guard request.peerID.count == 20 else { throw .invalidRequest("peer id must be 20 bytes") }
            var udpRequest = request
            udpRequest.compact = true
            let outcome = try await udpExchange(parsed, operation: .announce(udpRequest), bindHost: bindHost, options: options)
            guard case .announced(let response) = outcome else { throw .malformedResponse("unexpected scrape answer") }
            return response
        default:
            throw .unsupportedScheme(parsed.scheme)
        }
    }

    /// Scrapes one torrent from the tracker announced at `url` (BEP 48 for HTTP, BEP 15 for UDP).
    public func scrape(
        _ infoHash: InfoHash, at url: String, bindHost: String?, options: TrackerRequestOptions = TrackerRequestOptions()
    ) async throws(TrackerError) -> ScrapeResult {
        let parsed = try Self.parse(url)
        switch parsed.scheme {
        case "http", "https":
            guard let target = HTTPTrackerCodec.scrapeURL(url, infoHashes: [infoHash]) else { throw .scrapeUnsupported }
            let body = try await httpGet(target, bindHost: bindHost, options: options)
            return try HTTPTrackerCodec.parseScrapeResponse(body, for: infoHash)
        case "udp":
            let outcome = try await udpExchange(parsed, operation: .scrape([infoHash]), bindHost: bindHost, options: options)
            guard case .scraped(let results) = outcome, let first = results.first else {
                throw .malformedResponse("unexpected announce answer")
            }
            return first
        default:
            throw .unsupportedScheme(parsed.scheme)
        }
    }

    static func parse(_ url: String) throws(TrackerError) -> TrackerURL {
        guard let parsed = TrackerURL(url) else {
            if let sep = url.firstRange(of: "://"), !url[..<sep.lowerBound].isEmpty {
                let scheme = url[..<sep.lowerBound].lowercased()
                if !["http", "https", "udp"].contains(scheme) { throw .unsupportedScheme(scheme) }
            }
            throw .invalidURL(url)
        }
        guard ["http", "https", "udp"].contains(parsed.scheme) else { throw .unsupportedScheme(parsed.scheme) }
        return parsed
    }

    private var now: Duration { ContinuousClock.now - origin }

    // MARK: HTTP

    private func httpGet(_ url: String, bindHost: String?, options: TrackerRequestOptions) async throws(TrackerError) -> [UInt8] {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "User-Agent", value: "Swarm/0.1")
        request.headers.add(name: "Accept-Encoding", value: "gzip")
        if let bindHost { request.localAddress = bindHost }
        let timeout = min(options.httpTimeout, options.deadline ?? options.httpTimeout)
        do {
            let response = try await httpClient.execute(request, timeout: .init(timeout))
            let body = try await response.body.collect(upTo: Self.maxBodyBytes)
            let bytes = Array(body.readableBytesView)
            guard response.status == .ok else {
                // Some trackers send a bencoded failure reason with an error status.
                if case .failure(let message)? = Self.failureIn(bytes) { throw TrackerError.failure(message) }
                throw TrackerError.httpStatus(Int(response.status.code))
            }
            return bytes
        } catch {
            throw Self.trackerError(error)
        }
    }

    private static func failureIn(_ body: [UInt8]) -> TrackerError? {
        do {
            _ = try HTTPTrackerCodec.parseAnnounceResponse(body)
            return nil
        } catch {
            return error
        }
    }

    static func trackerError(_ error: any Error) -> TrackerError {
        if let error = error as? TrackerError { return error }
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout, .writeTimeout, .tlsHandshakeTimeout:
                return .timeout
            case .invalidURL, .emptyHost, .emptyScheme:
                return .invalidURL(String(describing: error))
            default:
                return .network(String(describing: error))
            }
        }
        if error is CancellationError { return .network("cancelled") }
        if let error = error as? IOError, let text = strerror(error.errnoCode) {
            return .network(String(cString: text).lowercased())
        }
        if let error = error as? NIOConnectionError {
            let reasons = error.connectionErrors.map { "\($0.target): \($0.error)" }
            if let dns = error.dnsAError ?? error.dnsAAAAError { return .network("cannot resolve \(error.host): \(dns)") }
            return .network(reasons.isEmpty ? "cannot connect to \(error.host)" : reasons.joined(separator: "; "))
        }
        return .network(String(describing: error))
    }

    // MARK: UDP

    private func udpExchange(
        _ url: TrackerURL, operation: UDPTrackerExchange.Operation, bindHost: String?, options: TrackerRequestOptions
    ) async throws(TrackerError) -> UDPTrackerExchange.Outcome {
        guard let port = url.port else { throw .invalidURL("\(url.text): udp tracker needs a port") }
        let remote: SocketAddress
        do {
            remote = try await Self.resolve(url.host, port: port)
        } catch {
            throw .network("cannot resolve \(url.host): \(error)")
        }
        let ipv6: Bool
        if case .v6 = remote { ipv6 = true } else { ipv6 = false }
        let local = bindHost ?? (ipv6 ? "::" : "0.0.0.0")
        let cacheKey = "\(local)>\(remote)"

        let socket: TrackerUDPSocket
        do {
            socket = try await TrackerUDPSocket.open(group: group, local: local, remote: remote)
        } catch {
            throw .network("cannot open UDP socket on \(local): \(error)")
        }
        let start = now
        var machine = UDPTrackerExchange(
            operation: operation, connection: await udpConnections.get(cacheKey), schedule: options.udpRetry, ipv6: ipv6,
            deadline: options.deadline.map { start + $0 }, urlData: url.path + (url.query.map { "?" + $0 } ?? ""))
        var step = machine.start(now: now, transactionID: .random(in: .min ... .max))
        defer { socket.close() }
        while true {
            switch step {
            case .finished(let outcome):
                await udpConnections.set(cacheKey, machine.connection)
                return outcome
            case .failed(let error):
                await udpConnections.set(cacheKey, machine.connection)
                throw error
            case .send(let packet, let timeout):
                if Task.isCancelled { throw .network("cancelled") }
                do {
                    try await socket.send(packet)
                } catch {
                    throw .network("UDP send to \(remote) failed: \(error)")
                }
                let waitUntil = now + timeout
                var next: UDPTrackerExchange.Step?
                while next == nil {
                    let remaining = waitUntil - now
                    guard remaining > .zero, !Task.isCancelled,
                        let datagram = await socket.receive(timeout: remaining)
                    else {
                        if Task.isCancelled { throw .network("cancelled") }
                        next = machine.timedOut(now: now, transactionID: .random(in: .min ... .max))
                        break
                    }
                    next = machine.receive(datagram, now: now, transactionID: .random(in: .min ... .max))
                }
                step = next!
            }
        }
    }

    private static func resolve(_ host: String, port: Int) async throws -> SocketAddress {
        if IPAddressText.ipv4Bytes(host) != nil || IPAddressText.ipv6Bytes(host) != nil {
            return try SocketAddress(ipAddress: host, port: port)
        }
        // getaddrinfo blocks: keep it off the event loops and the cooperative pool.
        return try await NIOThreadPool.singleton.runIfActive {
            try SocketAddress.makeAddressResolvingHost(host, port: port)
        }
    }
}

/// UDP connection ids by (local address, tracker address), shared by all torrents.
actor TrackerUDPConnectionCache {
    private var ids: [String: UDPConnectionID] = [:]

    func get(_ key: String) -> UDPConnectionID? { ids[key] }

    func set(_ key: String, _ value: UDPConnectionID?) {
        if ids.count > 1000 { ids.removeAll() }
        ids[key] = value
    }
}
