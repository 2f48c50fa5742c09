/// Keys only `kind: msgraph` has: what kind of groups the bridge creates in Microsoft Entra ID, how
/// new users sign in, and the domain of user principal names.
package struct MSGraphSettings: Sendable, Hashable {
    /// `groupType:` the kind of group the bridge creates.
    package enum GroupType: String, Sendable, Hashable, CaseIterable {
        /// A security group (`securityEnabled`, not mail-enabled): the default.
        case security
        /// A Microsoft 365 group (`groupTypes: [Unified]`, mail-enabled).
        case microsoft365
    }

    /// `initialPassword:` what a new user's `passwordProfile` holds.
    package enum InitialPassword: String, Sendable, Hashable, CaseIterable {
        /// A random password the user must change at first sign-in (cloud-only sign-in): the default.
        case random
        /// No password: the tenant federates sign-in for the domain, and the user carries an
        /// `onPremisesImmutableId` (the canonical user's `externalId`, else its id) instead.
        case none
    }

    package var groupType: GroupType
    package var initialPassword: InitialPassword
    /// The verified domain appended to a `userName` without `@` to make its `userPrincipalName`
    /// (`ada` becomes `ada@contoso.com`). Optional: without it, such users are refused with a message.
    package var domain: String?

    package init(groupType: GroupType = .security, initialPassword: InitialPassword = .random, domain: String? = nil) {
        self.groupType = groupType
        self.initialPassword = initialPassword
        self.domain = domain
    }
}
