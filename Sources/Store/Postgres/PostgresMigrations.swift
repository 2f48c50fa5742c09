import PostgresNIO

/// The PostgreSQL schema, as append-only numbered migrations (never edit a shipped one, add the next),
/// recorded in `schema_migrations`.
///
/// It holds what SQLite's migrations hold, in one first step, with these differences:
/// - text columns compared or sorted by filters use `COLLATE "C"`: byte order, which for UTF-8 is code
///   point order, as SQLite's `BINARY` and the filter evaluator order strings (a locale's collation
///   would sort and compare `gt`/`lt` differently);
/// - the case-insensitive uniqueness of `userName` and group `displayName` is a unique index per channel
///   on the folded value, folded by the bridge (`FilterEvaluator.foldCase`) as SQLite's is, rather than
///   on `lower(...)`: the database's `lower` depends on its locale and would disagree with the evaluator
///   and with SQLite on some characters;
/// - no `scim_user_stamp`: a membership change bumps the user rows themselves (see `bumpUsers`);
/// - the outbox has a lease (`claimed_until`) for several replicas claiming entries, and the W3C
///   `traceparent` of the change that queued an entry from the start (SQLite's v8).
enum PostgresMigrations {
    /// The key of the transaction-level advisory lock under which migrations run: several replicas
    /// starting at once wait for each other, and the first migrates; the others then find it done.
    static let lockKey: Int64 = 0x5343_494D_4252_4447  // "SCIMBRDG"

    static let steps: [(version: Int, name: String, statements: [String])] = [
        (
            1, "channels-resources-memberships-outbox",
            [
                """
                CREATE TABLE channel (
                    key BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name TEXT COLLATE "C" NOT NULL UNIQUE,
                    created BIGINT NOT NULL
                )
                """,
                """
                CREATE TABLE credential (
                    channel_key BIGINT NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                    kind TEXT NOT NULL CHECK (kind IN ('bearer', 'basic', 'oauth-client')),
                    lookup_key TEXT NOT NULL,
                    secret_hash BYTEA NOT NULL,
                    salt BYTEA NOT NULL,
                    created BIGINT NOT NULL
                )
                """,
                "CREATE INDEX credential_by_lookup ON credential(kind, lookup_key)",
                "CREATE INDEX credential_by_channel ON credential(channel_key)",
                // Users: indexed attributes in columns (folded where caseExact is false), the rest in JSON text.
                """
                CREATE TABLE scim_user (
                    channel_key BIGINT NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                    id TEXT COLLATE "C" NOT NULL,
                    user_name_fold TEXT COLLATE "C" NOT NULL,
                    external_id TEXT COLLATE "C",
                    display_name_fold TEXT COLLATE "C",
                    display TEXT NOT NULL,
                    active BOOLEAN,
                    attributes TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    created BIGINT NOT NULL,
                    last_modified BIGINT NOT NULL,
                    PRIMARY KEY (channel_key, id)
                )
                """,
                "CREATE UNIQUE INDEX scim_user_by_user_name ON scim_user(channel_key, user_name_fold)",
                "CREATE INDEX scim_user_by_external_id ON scim_user(channel_key, external_id)",
                "CREATE INDEX scim_user_by_display_name ON scim_user(channel_key, display_name_fold)",
                "CREATE INDEX scim_user_by_last_modified ON scim_user(channel_key, last_modified)",
                """
                CREATE TABLE scim_user_email (
                    channel_key BIGINT NOT NULL,
                    value_fold TEXT COLLATE "C" NOT NULL,
                    user_id TEXT COLLATE "C" NOT NULL,
                    PRIMARY KEY (channel_key, value_fold, user_id)
                )
                """,
                "CREATE INDEX scim_user_email_by_user ON scim_user_email(channel_key, user_id)",
                """
                CREATE TABLE scim_group (
                    channel_key BIGINT NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                    id TEXT COLLATE "C" NOT NULL,
                    display_name_fold TEXT COLLATE "C" NOT NULL,
                    display TEXT NOT NULL,
                    external_id TEXT COLLATE "C",
                    attributes TEXT NOT NULL,
                    version BIGINT NOT NULL,
                    created BIGINT NOT NULL,
                    last_modified BIGINT NOT NULL,
                    PRIMARY KEY (channel_key, id)
                )
                """,
                "CREATE UNIQUE INDEX scim_group_by_display_name ON scim_group(channel_key, display_name_fold)",
                "CREATE INDEX scim_group_by_external_id ON scim_group(channel_key, external_id)",
                // Membership edges, stored once, read by group (the primary key) and by member.
                """
                CREATE TABLE membership (
                    channel_key BIGINT NOT NULL,
                    group_id TEXT COLLATE "C" NOT NULL,
                    member_id TEXT COLLATE "C" NOT NULL,
                    member_kind TEXT NOT NULL CHECK (member_kind IN ('User', 'Group')),
                    PRIMARY KEY (channel_key, group_id, member_id)
                )
                """,
                "CREATE INDEX membership_by_member ON membership(channel_key, member_id)",
                """
                CREATE TABLE channel_target (
                    channel_key BIGINT NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                    target TEXT NOT NULL,
                    PRIMARY KEY (channel_key, target)
                )
                """,
                // One entry per change event and target, written in the transaction of the change.
                // `claimed_until` (ns since 1970): the lease of the replica delivering it (`dueOutboxEntries`).
                """
                CREATE TABLE outbox (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    channel_key BIGINT NOT NULL,
                    target TEXT COLLATE "C" NOT NULL,
                    resource_key TEXT COLLATE "C" NOT NULL,
                    event TEXT NOT NULL,
                    state TEXT NOT NULL CHECK (state IN ('pending', 'done', 'dead', 'settled')),
                    attempts INTEGER NOT NULL,
                    next_attempt BIGINT NOT NULL,
                    claimed_until BIGINT,
                    last_error TEXT,
                    trace_parent TEXT,
                    created BIGINT NOT NULL,
                    updated BIGINT NOT NULL
                )
                """,
                "CREATE INDEX outbox_by_state ON outbox(target, state, seq)",
                "CREATE INDEX outbox_by_key ON outbox(target, resource_key, state, seq)",
                // Pending entries only: what a claim scans, small however long the history grows.
                "CREATE INDEX outbox_pending ON outbox(target, seq) WHERE state = 'pending'",
                """
                CREATE TABLE target_mapping (
                    target TEXT COLLATE "C" NOT NULL,
                    channel_key BIGINT NOT NULL,
                    kind TEXT COLLATE "C" NOT NULL,
                    canonical_id TEXT COLLATE "C" NOT NULL,
                    target_id TEXT,
                    origin TEXT NOT NULL,
                    detail TEXT,
                    updated BIGINT NOT NULL,
                    PRIMARY KEY (target, channel_key, kind, canonical_id)
                )
                """,
                """
                CREATE TABLE target_membership (
                    target TEXT NOT NULL,
                    channel_key BIGINT NOT NULL,
                    group_id TEXT NOT NULL,
                    member_id TEXT NOT NULL,
                    PRIMARY KEY (target, channel_key, group_id, member_id)
                )
                """,
                """
                CREATE TABLE audit (
                    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    time BIGINT NOT NULL,
                    target TEXT NOT NULL,
                    channel_key BIGINT NOT NULL,
                    action TEXT NOT NULL,
                    resource_key TEXT NOT NULL,
                    detail TEXT NOT NULL
                )
                """,
                "CREATE INDEX audit_by_target ON audit(target, seq)",
                """
                CREATE TABLE target_state (
                    target TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                    last_reconciled BIGINT,
                    initial_sync_started BIGINT,
                    initial_sync_finished BIGINT,
                    health TEXT NOT NULL DEFAULT 'healthy'
                        CHECK (health IN ('healthy', 'failing', 'unauthenticated', 'paused')),
                    last_error TEXT,
                    last_error_at BIGINT,
                    last_success BIGINT,
                    scope TEXT,
                    paused_reason TEXT,
                    resumed_at BIGINT
                )
                """,
                "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at BIGINT NOT NULL)",
            ]
        ),
        (
            2, "collision-decision",
            [
                // An administrator's merge or overwrite for one group blocked by a same-named group on one
                // target (`targets resolve`, the admin API); the target's onNameCollision covers the rest.
                """
                CREATE TABLE collision_decision (
                    target TEXT COLLATE "C" NOT NULL,
                    channel_key BIGINT NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                    canonical_id TEXT COLLATE "C" NOT NULL,
                    policy TEXT NOT NULL CHECK (policy IN ('merge', 'overwrite')),
                    decided_by TEXT NOT NULL,
                    decided_at BIGINT NOT NULL,
                    PRIMARY KEY (target, channel_key, canonical_id)
                )
                """
            ]
        ),
        (
            3, "audit-by-resource-rate-budget",
            [
                // The console reads a resource's trail across targets.
                "CREATE INDEX audit_by_resource ON audit(resource_key, seq)",
                // Each target's rate limit, shared by every replica: the theoretical arrival time of the
                // next call (ns since 1970, on the database's clock), as `takeFromRateBudget` keeps it.
                """
                CREATE TABLE rate_budget (
                    target TEXT COLLATE "C" NOT NULL PRIMARY KEY,
                    tat BIGINT NOT NULL
                )
                """,
            ]
        ),
        (
            4, "channel-last-request",
            [
                // The console's "last request from the identity provider", per channel (ns since 1970).
                "ALTER TABLE channel ADD COLUMN last_request BIGINT"
            ]
        ),
        (
            5, "outbox-finished-index",
            [
                // Pruning (`storage.outboxRetention`) finds delivered and settled entries by age.
                "CREATE INDEX outbox_finished ON outbox(updated) WHERE state IN ('done', 'settled')"
            ]
        ),
    ]
}

extension PostgresStore {
    /// Brings the schema up to date: in one transaction, under `pg_advisory_xact_lock`, so that replicas
    /// starting together migrate once (the others wait for the lock, then find every step recorded).
    /// Returns the versions it applied.
    @discardableResult
    package func migrate() async throws -> [Int] {
        try await write { c in
            try await rows("SELECT pg_advisory_xact_lock(?)", [.int(PostgresMigrations.lockKey)], on: c)
            try await rows(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
                )
                """,
                on: c
            )
            let done = Set(
                try await rows("SELECT version FROM schema_migrations", on: c).map { try $0.decode(Int.self) }
            )
            var applied: [Int] = []
            for step in PostgresMigrations.steps where !done.contains(step.version) {
                for statement in step.statements { try await rows(statement, on: c) }
                try await rows(
                    "INSERT INTO schema_migrations (version, name) VALUES (?, ?)",
                    [.int(Int64(step.version)), .text(step.name)],
                    on: c
                )
                applied.append(step.version)
            }
            return applied
        }
    }
}

extension PostgresStore {
    /// The migrations this version has and the database has not applied (all of them on an empty
    /// database): what `serve --no-migrate` refuses to start with.
    package func pendingMigrations() async throws -> [Int] {
        try await read { c in
            let exists =
                try await rows("SELECT to_regclass('schema_migrations') IS NOT NULL", on: c).first?.decode(Bool.self)
                ?? false
            let done: Set<Int> =
                exists
                ? Set(try await rows("SELECT version FROM schema_migrations", on: c).map { try $0.decode(Int.self) })
                : []
            return PostgresMigrations.steps.map(\.version).filter { !done.contains($0) }
        }
    }
}
