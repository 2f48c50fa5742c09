import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// gzip-compresses responses for clients that send `Accept-Encoding: gzip` (RFC 7644 §3.1 allows
/// any HTTP content coding). Small bodies are left alone: compressing them costs more than it saves.
struct CompressionMiddleware<Context: RequestContext>: RouterMiddleware {
    let minimumSize = 1024

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response = try await next(request, context)
        // The size first: most SCIM answers are one small resource, and parsing the header is not free.
        guard let length = response.body.contentLength, length >= minimumSize,
            response.headers[.contentEncoding] == nil,
            Self.acceptsGzip(request.headers[values: .acceptEncoding])
        else { return response }
        var body = try await response.collectBody()
        let compressed = try body.compress(with: .gzip())
        response.headers[.contentEncoding] = "gzip"
        response.headers[.contentLength] = nil
        response.headers.append(HTTPField(name: .vary, value: "Accept-Encoding"))
        response.body = ResponseBody(byteBuffer: compressed)
        return response
    }

    /// Whether an `Accept-Encoding` header allows gzip (a `q=0` refuses it).
    static func acceptsGzip(_ values: [String]) -> Bool {
        for value in values {
            for part in value.split(separator: ",") {
                let fields = part.split(separator: ";").map { field in
                    String(
                        field.drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed()
                    ).lowercased()
                }
                guard let coding = fields.first, coding == "gzip" || coding == "*" else { continue }
                if fields.dropFirst().contains(where: { $0 == "q=0" || $0 == "q=0.0" || $0 == "q=0.000" }) { continue }
                return true
            }
        }
        return false
    }
}
