/// A configuration problem that stops start-up, with a message naming the setting at fault.
public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
