import AsyncHTTPClient
import ConformanceKit
import Foundation
import NIOCore
import NIOHTTP1

/// Sends scenario requests over AsyncHTTPClient, with the credentials given on the command line.
struct HTTPClientTransport: ConformanceTransport {
    let baseURL: String
    let authorization: String?
    let client: HTTPClient
    let timeout: TimeAmount

    var addedHeaders: [(name: String, value: String)] {
        guard let authorization else { return [] }
        let scheme = authorization.split(separator: " ").first.map(String.init) ?? ""
        return [("Authorization", "\(scheme) (redacted)")]
    }

    func send(_ request: OutgoingRequest) async throws -> Answer {
        var r = HTTPClientRequest(url: baseURL + request.path)
        r.method = HTTPMethod(rawValue: request.method)
        if let authorization { r.headers.add(name: "Authorization", value: authorization) }
        for h in request.headers { r.headers.add(name: h.name, value: h.value) }
        if let body = request.body { r.body = .bytes(ByteBuffer(bytes: body)) }
        let response = try await client.execute(r, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(
            status: Int(response.status.code),
            headers: response.headers.map { ($0.name, $0.value) },
            body: Array(bytes.readableBytesView)
        )
    }
}
