/// Keys only `kind: salesforce` has: the REST API version, how group membership is written, how users are
/// deprovisioned and created, and communities (research/targets.md §D, §E). The Salesforce connector
/// provisions by these values.
package struct SalesforceSettings: Sendable, Hashable {
    /// How canonical group membership maps onto Salesforce.
    package enum Memberships: String, Sendable, Hashable, CaseIterable {
        /// Public groups: `Group` and `GroupMember` records. The default.
        case groups
        /// Permission sets: `PermissionSetAssignment` records, the group name naming the `PermissionSet`.
        case permissionSets
    }

    /// `communities:`: provision Experience Cloud (portal) users, each with a `Contact` under one account.
    package struct Communities: Sendable, Hashable {
        /// The `Account` that new portal users' contacts belong to (15 or 18 character Salesforce id).
        package var accountId: String
        /// The portal `Profile` given to new users (15 or 18 character Salesforce id).
        package var profileId: String

        package init(accountId: String, profileId: String) {
            self.accountId = accountId
            self.profileId = profileId
        }
    }

    /// `deprovisioning:`: what removing a user does (Salesforce users cannot be deleted).
    package enum Deprovisioning: String, Sendable, Hashable, CaseIterable {
        /// `IsActive = false`. The default.
        case deactivate
        /// `UserLogin.IsFrozen = true`: no login, but the user stays active with its licence and ownerships.
        case freeze
    }
    /// REST API version, `MAJOR.MINOR` (`/services/data/vMAJOR.MINOR`). Default `62.0`.
    package var apiVersion: String
    /// Default `groups`.
    package var memberships: Memberships
    /// Default: none (workforce users).
    package var communities: Communities?

    /// Default `deactivate`.
    package var deprovisioning: Deprovisioning = .deactivate
    /// `profileId:`: the `Profile` of new workforce users (15 or 18 character id). Required unless `communities` is set.
    package var profileId: String?
    /// `usernameSuffix:`: appended to every `userName` to form the Salesforce `Username`, which must be
    /// unique across all orgs (e.g. `.acme`). Default: none.
    package var usernameSuffix: String?
    /// `timeZoneSidKey:`, default `America/Los_Angeles`.
    package var timeZoneSidKey = "America/Los_Angeles"
    /// `localeSidKey:`, default `en_US`.
    package var localeSidKey = "en_US"
    /// `emailEncodingKey:`, default `UTF-8`.
    package var emailEncodingKey = "UTF-8"
    /// `languageLocaleKey:`, default `en_US`.
    package var languageLocaleKey = "en_US"
    /// The default `apiVersion`.
    package static let defaultAPIVersion = "62.0"

    package init(
        apiVersion: String = SalesforceSettings.defaultAPIVersion,
        memberships: Memberships = .groups,
        deprovisioning: Deprovisioning = .deactivate,
        profileId: String? = nil,
        timeZoneSidKey: String = "America/Los_Angeles",
        localeSidKey: String = "en_US",
        emailEncodingKey: String = "UTF-8",
        languageLocaleKey: String = "en_US",
        usernameSuffix: String? = nil,
        communities: Communities? = nil
    ) {
        self.apiVersion = apiVersion
        self.memberships = memberships
        self.deprovisioning = deprovisioning
        self.profileId = profileId
        self.timeZoneSidKey = timeZoneSidKey
        self.localeSidKey = localeSidKey
        self.emailEncodingKey = emailEncodingKey
        self.languageLocaleKey = languageLocaleKey
        self.usernameSuffix = usernameSuffix
        self.communities = communities
    }
}
