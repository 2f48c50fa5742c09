import Membership
import SCIM

/// Where an attribute lives in the SQLite schema when it is indexed: a column of the resource
/// table, or a side table reached with `EXISTS`. Attributes not listed here are only in the JSON.
enum IndexedAttribute {
    /// A column of the resource row; `folded` when the attribute is `caseExact: false`.
    case column(String, ColumnKind)
    /// `emails.value` of a user (folded), in `scim_user_email`.
    case userEmail
    /// `members.value` of a group, in `membership`.
    case groupMember
    /// `groups.value` of a user, in `membership` read by member.
    case userGroup

    enum ColumnKind { case exactText, foldedText, boolean, instant }

    /// The storage of `attribute` for resources of `kind`, if it is indexed.
    static func of(_ attribute: ResolvedAttribute, kind: ResourceKind) -> IndexedAttribute? {
        guard !attribute.isExtension else { return nil }
        let top = attribute.attribute.name
        let sub = attribute.subAttribute?.name
        switch (kind, top, sub) {
        case (_, "id", nil): return .column("id", .exactText)
        case (_, "externalId", nil): return .column("external_id", .exactText)
        case (_, "meta", "created"): return .column("created", .instant)
        case (_, "meta", "lastModified"): return .column("last_modified", .instant)
        case (.user, "userName", nil): return .column("user_name_fold", .foldedText)
        case (.user, "displayName", nil): return .column("display_name_fold", .foldedText)
        case (.user, "active", nil): return .column("active", .boolean)
        case (.user, "emails", "value"), (.user, "emails", nil): return .userEmail
        case (.user, "groups", "value"), (.user, "groups", nil): return .userGroup
        case (.group, "displayName", nil): return .column("display_name_fold", .foldedText)
        case (.group, "members", "value"), (.group, "members", nil): return .groupMember
        default: return nil
        }
    }
}

extension IndexedAttribute {
    /// The SQL of `column` in a read of resources of `kind` (from `SQLiteStore.source`): `t.column`,
    /// except a user's `last_modified`, which its stamp may supersede.
    static func sql(column: String, kind: ResourceKind) -> String {
        kind == .user && column == "last_modified" ? SQLiteStore.userLastModified : "t.\(column)"
    }
}

extension ResourceKind {
    /// The table holding resources of this kind.
    var table: String { self == .user ? "scim_user" : "scim_group" }
}
