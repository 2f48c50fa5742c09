/// How the Salesforce connector provisions users and writes memberships: the `kind: salesforce`
/// target's settings (research/targets.md §D, §E), as plain values.
public struct SalesforceOptions: Sendable, Hashable {
    /// Where canonical groups go.
    public enum Memberships: String, Sendable, Hashable {
        /// Public groups: `Group` (Type `Regular`) and `GroupMember`.
        case groups
        /// Permission sets: `PermissionSet` (the group name is its `Label`) and `PermissionSetAssignment`.
        case permissionSets
    }

    /// What removing (or disabling) a user does; Salesforce users can never be deleted.
    public enum Deprovisioning: String, Sendable, Hashable {
        /// `IsActive = false`: the user cannot log in and frees its licence.
        case deactivate
        /// `UserLogin.IsFrozen = true`: the user cannot log in but stays active (keeps its licence,
        /// ownerships and approvals); used where deactivation is blocked or undesirable.
        case freeze
    }

    /// Experience Cloud users: a `Contact` under `accountId`, then a user with `profileId` and that `ContactId`.
    public struct Communities: Sendable, Hashable {
        public var accountId: String
        public var profileId: String
        public init(accountId: String, profileId: String) {
            self.accountId = accountId
            self.profileId = profileId
        }
    }

    /// REST API version, `MAJOR.MINOR`.
    public var apiVersion: String
    public var memberships: Memberships
    public var deprovisioning: Deprovisioning
    /// The `ProfileId` of new (workforce) users. Required unless `communities` is set.
    public var profileId: String?
    public var timeZoneSidKey: String
    public var localeSidKey: String
    public var emailEncodingKey: String
    public var languageLocaleKey: String
    /// Appended to every canonical `userName` to form the `Username`, e.g. `.acme` or `.sandbox`:
    /// usernames are unique across every Salesforce org, so one taken elsewhere needs a suffix.
    public var usernameSuffix: String?
    public var communities: Communities?

    public init(
        apiVersion: String = "62.0", memberships: Memberships = .groups, deprovisioning: Deprovisioning = .deactivate,
        profileId: String? = nil, timeZoneSidKey: String = "America/Los_Angeles", localeSidKey: String = "en_US",
        emailEncodingKey: String = "UTF-8", languageLocaleKey: String = "en_US", usernameSuffix: String? = nil,
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
