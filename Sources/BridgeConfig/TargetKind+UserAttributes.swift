extension TargetKind {
    /// The canonical user attributes this kind's connector reads (docs/targets/*.md list what each
    /// becomes), so that `mapping.user` can refuse one the target would never see. nil: every
    /// attribute (the generic SCIM target receives the whole user). An entry covers its sub-attributes.
    package var userAttributes: [String]? {
        switch self {
        case .scim:
            nil
        case .githubEMU:
            ["userName", "externalId", "displayName", "name", "emails", "roles"]
        case .slack:
            [
                "userName", "externalId", "displayName", "nickName", "title", "timezone", "emails",
                "name.givenName", "name.familyName", "name.honorificPrefix", "name.formatted",
                TargetKind.enterpriseUser,
            ]
        case .google:
            ["userName", "externalId", "displayName", "name.formatted", "name.givenName", "name.familyName", "emails"]
        case .salesforce:
            ["userName", "displayName", "name.givenName", "name.familyName", "emails"]
        case .msgraph:
            [
                "userName", "externalId", "displayName", "title", "name.formatted", "name.givenName", "name.familyName",
                "\(TargetKind.enterpriseUser):department",
            ]
        }
    }

    /// Whether this kind reads the canonical attribute `path` (`name.givenName`, `emails.value`).
    package func reads(userAttribute path: String) -> Bool {
        guard let list = userAttributes else { return true }
        return list.contains { entry in
            path.lowercased() == entry.lowercased() || path.lowercased().hasPrefix(entry.lowercased() + ".")
                || path.lowercased().hasPrefix(entry.lowercased() + ":")
        }
    }

    static let enterpriseUser = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
}
