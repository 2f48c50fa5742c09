internal import Hummingbird

extension Response {
    /// The `Retry-After` header in whole seconds (the only form the emulators send), nil without one.
    var retryAfterSeconds: Int? { headers[.retryAfter].flatMap { Int($0) } }
}
