import HTTPTypes
import Hummingbird

/// 405 for a known endpoint asked with a method it does not serve; rendered by `SCIMErrorMiddleware`
/// with the `Allow` header RFC 9110 §15.5.6 requires.
struct MethodNotAllowed: Error {
    var method: HTTPRequest.Method
    var path: String
    var allowed: [HTTPRequest.Method]
}

extension RouterGroup where Context == SCIMRequestContext {
    /// Answers every method but `allowed` on `path` with 405.
    func refuseOtherMethods(_ path: RouterPath, allowing allowed: [HTTPRequest.Method]) {
        for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] where !allowed.contains(method) {
            on(path, method: method) { request, _ -> Response in
                throw MethodNotAllowed(method: request.method, path: request.uri.path, allowed: allowed)
            }
        }
    }
}
