/// Keys only `kind: google` has: which Workspace account and domain the Directory API calls address.
package struct GoogleSettings: Sendable, Hashable {
    /// The `customer` parameter of `users.list` and `groups.list`. Default `my_customer` (the admin's own account).
    package var customer: String
    /// The primary domain new users and groups are created in, e.g. `example.com`. Required.
    package var domain: String

    package init(customer: String = "my_customer", domain: String) {
        self.customer = customer
        self.domain = domain
    }
}
