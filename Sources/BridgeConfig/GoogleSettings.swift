/// Keys only `kind: google` has: which Workspace account and domain the Directory API calls address.
public struct GoogleSettings: Sendable, Hashable {
    /// The `customer` parameter of `users.list` and `groups.list`. Default `my_customer` (the admin's own account).
    public var customer: String
    /// The primary domain new users and groups are created in, e.g. `example.com`. Required.
    public var domain: String

    public init(customer: String = "my_customer", domain: String) {
        self.customer = customer
        self.domain = domain
    }
}
