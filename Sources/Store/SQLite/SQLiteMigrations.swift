import GRDB

/// The SQLite schema, as append-only migrations: never edit a shipped one, add the next.
enum SQLiteMigrations {
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1-channels-resources-memberships") { db in
            try db.execute(
                sql: """
                    CREATE TABLE channel (
                        key INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE,
                        created INTEGER NOT NULL
                    );
                    CREATE TABLE credential (
                        channel_key INTEGER NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        lookup_key TEXT NOT NULL,
                        secret_hash BLOB NOT NULL,
                        salt BLOB NOT NULL,
                        created INTEGER NOT NULL
                    );
                    CREATE INDEX credential_by_lookup ON credential(kind, lookup_key);
                    CREATE INDEX credential_by_channel ON credential(channel_key);

                    -- Users: indexed attributes in columns (folded where caseExact is false),
                    -- everything else in the attributes JSON.
                    CREATE TABLE scim_user (
                        channel_key INTEGER NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        user_name_fold TEXT NOT NULL,
                        external_id TEXT,
                        display_name_fold TEXT,
                        display TEXT NOT NULL,
                        active INTEGER,
                        attributes TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        last_modified INTEGER NOT NULL,
                        PRIMARY KEY (channel_key, id)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX scim_user_by_user_name ON scim_user(channel_key, user_name_fold);
                    CREATE INDEX scim_user_by_external_id ON scim_user(channel_key, external_id);
                    CREATE INDEX scim_user_by_display_name ON scim_user(channel_key, display_name_fold);

                    CREATE TABLE scim_user_email (
                        channel_key INTEGER NOT NULL,
                        value_fold TEXT NOT NULL,
                        user_id TEXT NOT NULL,
                        PRIMARY KEY (channel_key, value_fold, user_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX scim_user_email_by_user ON scim_user_email(channel_key, user_id);

                    CREATE TABLE scim_group (
                        channel_key INTEGER NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                        id TEXT NOT NULL,
                        display_name_fold TEXT NOT NULL,
                        display TEXT NOT NULL,
                        external_id TEXT,
                        attributes TEXT NOT NULL,
                        version INTEGER NOT NULL,
                        created INTEGER NOT NULL,
                        last_modified INTEGER NOT NULL,
                        PRIMARY KEY (channel_key, id)
                    ) WITHOUT ROWID;
                    CREATE UNIQUE INDEX scim_group_by_display_name ON scim_group(channel_key, display_name_fold);
                    CREATE INDEX scim_group_by_external_id ON scim_group(channel_key, external_id);

                    -- Membership edges, stored once; read by group and by member.
                    CREATE TABLE membership (
                        channel_key INTEGER NOT NULL,
                        group_id TEXT NOT NULL,
                        member_id TEXT NOT NULL,
                        member_kind TEXT NOT NULL,
                        PRIMARY KEY (channel_key, group_id, member_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX membership_by_member ON membership(channel_key, member_id);
                    """
            )
        }
        m.registerMigration("v2-outbox-target-mapping-audit") { db in
            try db.execute(
                sql: """
                    -- Which targets each channel fans out to (set from the configuration at start-up).
                    CREATE TABLE channel_target (
                        channel_key INTEGER NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                        target TEXT NOT NULL,
                        PRIMARY KEY (channel_key, target)
                    ) WITHOUT ROWID;

                    -- One entry per change event and target, written in the transaction of the change.
                    CREATE TABLE outbox (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        channel_key INTEGER NOT NULL,
                        target TEXT NOT NULL,
                        resource_key TEXT NOT NULL,
                        event TEXT NOT NULL,
                        state TEXT NOT NULL,            -- pending | done | dead
                        attempts INTEGER NOT NULL,
                        next_attempt INTEGER NOT NULL,  -- ns since 1970; 0 = now
                        last_error TEXT,
                        created INTEGER NOT NULL,
                        updated INTEGER NOT NULL
                    );
                    CREATE INDEX outbox_by_state ON outbox(target, state, seq);
                    CREATE INDEX outbox_by_key ON outbox(target, resource_key, state, seq);

                    -- Canonical id to target id, per target; how the bridge came to hold the resource.
                    CREATE TABLE target_mapping (
                        target TEXT NOT NULL,
                        channel_key INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        canonical_id TEXT NOT NULL,
                        target_id TEXT,
                        origin TEXT NOT NULL,           -- created | adopted-merge | adopted-overwrite | blocked
                        detail TEXT,
                        updated INTEGER NOT NULL,
                        PRIMARY KEY (target, channel_key, kind, canonical_id)
                    ) WITHOUT ROWID;

                    -- Memberships the bridge itself created on a target (what merge may later remove).
                    CREATE TABLE target_membership (
                        target TEXT NOT NULL,
                        channel_key INTEGER NOT NULL,
                        group_id TEXT NOT NULL,
                        member_id TEXT NOT NULL,
                        PRIMARY KEY (target, channel_key, group_id, member_id)
                    ) WITHOUT ROWID;

                    CREATE TABLE audit (
                        seq INTEGER PRIMARY KEY AUTOINCREMENT,
                        time INTEGER NOT NULL,
                        target TEXT NOT NULL,
                        channel_key INTEGER NOT NULL,
                        action TEXT NOT NULL,
                        resource_key TEXT NOT NULL,
                        detail TEXT NOT NULL
                    );
                    """
            )
        }
        m.registerMigration("v3-user-stamp") { db in
            try db.execute(
                sql: """
                    -- Membership changes of a user since its row was last written (see SQLiteStore+UserStamp):
                    -- its version is the row's plus `changes`, its lastModified this one's.
                    CREATE TABLE scim_user_stamp (
                        channel_key INTEGER NOT NULL,
                        id TEXT NOT NULL,
                        changes INTEGER NOT NULL,
                        last_modified INTEGER NOT NULL,
                        PRIMARY KEY (channel_key, id)
                    ) WITHOUT ROWID;
                    """
            )
        }
        m.registerMigration("v4-target-state") { db in
            try db.execute(
                sql: """
                    -- What the sync engine remembers of each target between runs (times in ns since 1970).
                    CREATE TABLE target_state (
                        target TEXT NOT NULL PRIMARY KEY,
                        last_reconciled INTEGER,        -- NULL: never fully reconciled
                        initial_sync_started INTEGER,
                        initial_sync_finished INTEGER,  -- NULL while one runs (or none ran)
                        health TEXT NOT NULL DEFAULT 'healthy'
                            CHECK (health IN ('healthy', 'failing', 'unauthenticated', 'paused')),
                        last_error TEXT,
                        last_error_at INTEGER,
                        last_success INTEGER
                    ) WITHOUT ROWID;

                    -- outbox.state gains 'settled': pending | done | dead | settled. A settled entry was dead
                    -- until a reconciliation made its change moot; it is kept for the audit, never delivered.
                    """
            )
        }
        m.registerMigration("v5-target-scope") { db in
            // The target's `scope` as last applied, so that start-up can tell a configuration change.
            try db.execute(sql: "ALTER TABLE target_state ADD COLUMN scope TEXT")
        }
        m.registerMigration("v6-deprovision-brake") { db in
            // Why the target's worker stopped itself (`safety.maxDeprovisions`) until an administrator
            // resumes it; NULL while it runs. It outlives a restart, as the pause must.
            try db.execute(sql: "ALTER TABLE target_state ADD COLUMN paused_reason TEXT")
            try db.execute(sql: "ALTER TABLE target_state ADD COLUMN resumed_at INTEGER")
        }
        m.registerMigration("v7-health-probe") { db in
            // One row `/readyz` writes, to show that the database takes writes.
            try db.execute(
                sql: "CREATE TABLE health_probe (id INTEGER PRIMARY KEY CHECK (id = 1), at INTEGER NOT NULL)"
            )
        }
        m.registerMigration("v8-outbox-trace-parent") { db in
            // The W3C traceparent of the request that caused the change, so that its delivery joins
            // the same trace (NULL when tracing is off).
            try db.execute(sql: "ALTER TABLE outbox ADD COLUMN trace_parent TEXT")
        }
        m.registerMigration("v9-collision-decision") { db in
            try db.execute(
                sql: """
                    -- An administrator's merge or overwrite for one group blocked by a same-named group on one
                    -- target (`targets resolve`, the admin API); the target's onNameCollision covers the rest.
                    CREATE TABLE collision_decision (
                        target TEXT NOT NULL,
                        channel_key INTEGER NOT NULL REFERENCES channel(key) ON DELETE CASCADE,
                        canonical_id TEXT NOT NULL,
                        policy TEXT NOT NULL CHECK (policy IN ('merge', 'overwrite')),
                        decided_by TEXT NOT NULL,
                        decided_at INTEGER NOT NULL,
                        PRIMARY KEY (target, channel_key, canonical_id)
                    ) WITHOUT ROWID
                    """
            )
        }
        m.registerMigration("v10-audit-indexes") { db in
            // The console reads the audit log by target and by resource, newest first.
            try db.execute(
                sql: """
                    CREATE INDEX audit_by_target ON audit(target, seq);
                    CREATE INDEX audit_by_resource ON audit(resource_key, seq);
                    """
            )
        }
        m.registerMigration("v11-channel-last-request") { db in
            // The console's "last request from the identity provider", per channel (ns since 1970).
            try db.execute(sql: "ALTER TABLE channel ADD COLUMN last_request INTEGER")
        }
        m.registerMigration("v12-outbox-finished-index") { db in
            // Pruning (`storage.outboxRetention`) finds delivered and settled entries by age.
            try db.execute(
                sql: "CREATE INDEX outbox_finished ON outbox(updated) WHERE state IN ('done', 'settled')"
            )
        }
        return m
    }
}
