/// One table `StoreCopy` moves from SQLite to PostgreSQL: what it reads, in which order, and what it
/// writes. A plain value: the SQL of both sides is derived from it (`CopiedTable+SQL`).
///
/// Both schemas hold the same columns (see `PostgresMigrations`), with these differences, settled here:
/// - a user's `scim_user_stamp` (SQLite only) is folded into its row, as PostgreSQL keeps it: `version`
///   is the row's plus the stamp's changes, `last_modified` the stamp's when there is one (what every
///   SQLite read of the user returns);
/// - `outbox.claimed_until` (PostgreSQL only) is left NULL: nothing is claimed by anyone yet;
/// - `active` is an integer in SQLite and a boolean in PostgreSQL;
/// - identity columns (`channel.key`, `outbox.seq`, `audit.seq`) keep their values, and their sequences
///   move past them afterwards;
/// - `health_probe`, `rate_budget`, `schema_migrations` and `grdb_migrations` are each side's own.
///
/// The folded columns (`user_name_fold`, `display_name_fold`, `scim_user_email.value_fold`) are copied
/// as they are: both stores compute them with the same function (`SQLiteStore.columns`, through
/// `FilterEvaluator.foldCase`), so they are what PostgresStore's own writes would give.
struct CopiedTable: Sendable, Hashable {
    /// The table's name, the same on both sides.
    var name: String
    /// The `FROM` of the SQLite read (the table, or a join).
    var source: String
    /// The columns written, each with the SQLite expression that reads it.
    var columns: [CopiedColumn]
    /// SQLite expressions that order the rows and page through them (a unique key).
    var key: [String]
    /// The `GENERATED ALWAYS AS IDENTITY` column whose values are kept, if any.
    var identity: String?

    /// Rows per `INSERT`: far below PostgreSQL's 65,535 bound values, big enough for few round trips.
    var rowsPerInsert: Int { max(1, min(500, 60_000 / max(columns.count, 1))) }
}

/// A column written to PostgreSQL, and how it is read from SQLite.
struct CopiedColumn: Sendable, Hashable {
    /// What the value is, which says how a SQLite value becomes a PostgreSQL one.
    enum Kind: Sendable, Hashable {
        case integer
        case text
        /// 0 or 1 in SQLite, `BOOLEAN` in PostgreSQL.
        case boolean
        /// `BLOB` in SQLite, `BYTEA` in PostgreSQL; never NULL.
        case bytes
    }

    /// The PostgreSQL column.
    var name: String
    var kind: Kind
    /// The SQLite expression read for it.
    var source: String

    init(_ name: String, _ kind: Kind, source: String? = nil) {
        self.name = name
        self.kind = kind
        self.source = source ?? name
    }
}

extension CopiedTable {
    /// Every table copied, in the order written: channels before what refers to them.
    static let all: [CopiedTable] = [
        CopiedTable(
            name: "channel",
            source: "channel",
            columns: [
                .init("key", .integer), .init("name", .text), .init("created", .integer),
                .init("last_request", .integer),
            ],
            key: ["key"],
            identity: "key"
        ),
        CopiedTable(
            name: "credential",
            source: "credential",
            columns: [
                .init("channel_key", .integer), .init("kind", .text), .init("lookup_key", .text),
                .init("secret_hash", .bytes), .init("salt", .bytes), .init("created", .integer),
            ],
            key: ["rowid"]
        ),
        CopiedTable(
            name: "channel_target",
            source: "channel_target",
            columns: [.init("channel_key", .integer), .init("target", .text)],
            key: ["channel_key", "target"]
        ),
        CopiedTable(
            name: "scim_user",
            source: "scim_user t LEFT JOIN scim_user_stamp s ON s.channel_key = t.channel_key AND s.id = t.id",
            columns: [
                .init("channel_key", .integer, source: "t.channel_key"), .init("id", .text, source: "t.id"),
                .init("user_name_fold", .text, source: "t.user_name_fold"),
                .init("external_id", .text, source: "t.external_id"),
                .init("display_name_fold", .text, source: "t.display_name_fold"),
                .init("display", .text, source: "t.display"), .init("active", .boolean, source: "t.active"),
                .init("attributes", .text, source: "t.attributes"),
                .init("version", .integer, source: "t.version + COALESCE(s.changes, 0)"),
                .init("created", .integer, source: "t.created"),
                .init("last_modified", .integer, source: "COALESCE(s.last_modified, t.last_modified)"),
            ],
            key: ["t.channel_key", "t.id"]
        ),
        CopiedTable(
            name: "scim_user_email",
            source: "scim_user_email",
            columns: [.init("channel_key", .integer), .init("value_fold", .text), .init("user_id", .text)],
            key: ["channel_key", "value_fold", "user_id"]
        ),
        CopiedTable(
            name: "scim_group",
            source: "scim_group",
            columns: [
                .init("channel_key", .integer), .init("id", .text), .init("display_name_fold", .text),
                .init("display", .text), .init("external_id", .text), .init("attributes", .text),
                .init("version", .integer), .init("created", .integer), .init("last_modified", .integer),
            ],
            key: ["channel_key", "id"]
        ),
        CopiedTable(
            name: "membership",
            source: "membership",
            columns: [
                .init("channel_key", .integer), .init("group_id", .text), .init("member_id", .text),
                .init("member_kind", .text),
            ],
            key: ["channel_key", "group_id", "member_id"]
        ),
        CopiedTable(
            name: "outbox",
            source: "outbox",
            columns: [
                .init("seq", .integer), .init("channel_key", .integer), .init("target", .text),
                .init("resource_key", .text), .init("event", .text), .init("state", .text),
                .init("attempts", .integer), .init("next_attempt", .integer), .init("last_error", .text),
                .init("trace_parent", .text), .init("created", .integer), .init("updated", .integer),
            ],
            key: ["seq"],
            identity: "seq"
        ),
        CopiedTable(
            name: "target_mapping",
            source: "target_mapping",
            columns: [
                .init("target", .text), .init("channel_key", .integer), .init("kind", .text),
                .init("canonical_id", .text), .init("target_id", .text), .init("origin", .text),
                .init("detail", .text), .init("updated", .integer),
            ],
            key: ["target", "channel_key", "kind", "canonical_id"]
        ),
        CopiedTable(
            name: "target_membership",
            source: "target_membership",
            columns: [
                .init("target", .text), .init("channel_key", .integer), .init("group_id", .text),
                .init("member_id", .text),
            ],
            key: ["target", "channel_key", "group_id", "member_id"]
        ),
        CopiedTable(
            name: "audit",
            source: "audit",
            columns: [
                .init("seq", .integer), .init("time", .integer), .init("target", .text),
                .init("channel_key", .integer), .init("action", .text), .init("resource_key", .text),
                .init("detail", .text),
            ],
            key: ["seq"],
            identity: "seq"
        ),
        CopiedTable(
            name: "target_state",
            source: "target_state",
            columns: [
                .init("target", .text), .init("last_reconciled", .integer), .init("initial_sync_started", .integer),
                .init("initial_sync_finished", .integer), .init("health", .text), .init("last_error", .text),
                .init("last_error_at", .integer), .init("last_success", .integer), .init("scope", .text),
                .init("paused_reason", .text), .init("resumed_at", .integer),
            ],
            key: ["target"]
        ),
        CopiedTable(
            name: "collision_decision",
            source: "collision_decision",
            columns: [
                .init("target", .text), .init("channel_key", .integer), .init("canonical_id", .text),
                .init("policy", .text), .init("decided_by", .text), .init("decided_at", .integer),
            ],
            key: ["target", "channel_key", "canonical_id"]
        ),
    ]
}
