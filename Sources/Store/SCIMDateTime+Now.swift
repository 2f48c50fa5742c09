import Foundation
package import SCIM

extension SCIMDateTime {
    /// The current wall-clock time, as the store records times.
    package static var now: SCIMDateTime {
        let t = Date().timeIntervalSince1970
        let s = t.rounded(.down)
        return SCIMDateTime(seconds: Int64(s), nanoseconds: Int32((t - s) * 1e9))
    }
}
