import Instrumentation
package import ServiceContextModule

/// The W3C `traceparent` of the task's current span, which an outbox entry carries from the inbound
/// request to its delivery (a later task, perhaps after a restart). Nil when tracing is off: with no
/// span, no context, and nothing is stored.
package enum TraceParent {
    /// The header name, as W3C Trace Context spells it.
    package static let header = "traceparent"

    /// The current span's `traceparent`, or nil.
    package static func current() -> String? {
        guard let context = ServiceContext.current else { return nil }
        var carrier: [String: String] = [:]
        InstrumentationSystem.instrument.inject(context, into: &carrier, using: DictionaryInjector())
        return carrier[header]
    }

    /// The context a stored `traceparent` continues (the top level when there is none).
    package static func context(continuing traceParent: String?) -> ServiceContext {
        var context = ServiceContext.topLevel
        if let traceParent {
            InstrumentationSystem.instrument.extract(
                [header: traceParent],
                into: &context,
                using: DictionaryExtractor()
            )
        }
        return context
    }
}

private struct DictionaryInjector: Injector {
    func inject(_ value: String, forKey key: String, into carrier: inout [String: String]) {
        carrier[key] = value
    }
}

private struct DictionaryExtractor: Extractor {
    func extract(key: String, from carrier: [String: String]) -> String? { carrier[key] }
}
