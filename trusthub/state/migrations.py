"""Versioned schema migrations, one numbered list per backend. Each store applies the steps
its state lacks, in one transaction, when it opens the state. Add a step; never edit one
that has shipped. Both lists must end at the same version: the backends keep one schema.

Every table is keyed by workspace, so one PostgreSQL database holds many workspaces (a
SQLite file holds one). Spec bodies live apart from the resource rows so that reading every
resource for a plan does not page through them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from trusthub.errors import StateError


@dataclass(frozen=True, slots=True)
class Migration:
    version: int
    description: str
    statements: tuple[str, ...]  # run one by one: a trigger body holds semicolons
    # SQLite: the step rebuilds tables (CREATE new_x, copy, DROP x, RENAME new_x TO x), as
    # SQLite's documentation says to for changes ALTER TABLE cannot make. It runs with
    # foreign keys off, which only works outside a transaction, so the store turns them off
    # before the migration's transaction begins (with them on, dropping `resources` would
    # cascade into `specs`) and checks them before it commits.
    rebuilds_tables: bool = False


# Used by step 1 only, which has shipped: leave them as they are. Since step 2 the state
# holds any kind registered in `trusthub.model.kinds.KINDS`, with the statuses of its
# lifecycle, and checks them in Python (`trusthub.state.model`), not in SQL.
_KINDS = "('profile', 'trust_product')"
_STATUSES = "('draft', 'pending-review', 'in-review', 'twilio-rejected', 'twilio-approved')"
_REMOTE_STATES = "('intent', 'created', 'deleted')"

SQLITE: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "initial schema",
        (
            """CREATE TABLE workspaces (
                workspace  TEXT PRIMARY KEY,
                lineage    TEXT NOT NULL,
                serial     INTEGER NOT NULL DEFAULT 0,
                audit_seq  INTEGER NOT NULL DEFAULT 0,
                created_at TEXT NOT NULL
            )""",
            f"""CREATE TABLE resources (
                workspace         TEXT NOT NULL REFERENCES workspaces (workspace),
                name              TEXT NOT NULL,
                kind              TEXT NOT NULL CHECK (kind IN {_KINDS}),
                status            TEXT CHECK (status IN {_STATUSES}),
                status_since      TEXT,
                spec_hash         TEXT NOT NULL,
                rejection_reasons TEXT NOT NULL DEFAULT '[]',
                evaluation        TEXT,
                valid_until       TEXT,
                policy_sid        TEXT,
                updated_at        TEXT NOT NULL,
                PRIMARY KEY (workspace, name)
            ) WITHOUT ROWID""",
            """CREATE TABLE specs (
                workspace TEXT NOT NULL,
                name      TEXT NOT NULL,
                spec      TEXT NOT NULL,
                PRIMARY KEY (workspace, name),
                FOREIGN KEY (workspace, name) REFERENCES resources (workspace, name)
                    ON DELETE CASCADE
            )""",
            f"""CREATE TABLE remote_objects (
                workspace  TEXT NOT NULL REFERENCES workspaces (workspace),
                name       TEXT NOT NULL,
                role       TEXT NOT NULL,
                kind       TEXT NOT NULL CHECK (kind IN {_KINDS}),
                sid        TEXT,
                state      TEXT NOT NULL CHECK (state IN {_REMOTE_STATES}),
                detail     TEXT NOT NULL DEFAULT '{{}}',
                updated_at TEXT NOT NULL,
                PRIMARY KEY (workspace, name, role),
                CHECK (state <> 'created' OR sid IS NOT NULL)
            )""",
            "CREATE INDEX remote_objects_open ON remote_objects (workspace) WHERE state = 'intent'",
            f"""CREATE TABLE audit (
                workspace     TEXT NOT NULL REFERENCES workspaces (workspace),
                id            INTEGER NOT NULL,
                time          TEXT NOT NULL,
                actor         TEXT NOT NULL,
                kind          TEXT NOT NULL CHECK (kind IN {_KINDS}),
                name          TEXT NOT NULL,
                action        TEXT NOT NULL,
                from_status   TEXT,
                to_status     TEXT,
                plan_checksum TEXT,
                detail        TEXT NOT NULL DEFAULT '{{}}',
                PRIMARY KEY (workspace, id)
            )""",
            "CREATE INDEX audit_by_name ON audit (workspace, name, id)",
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TABLE locks (
                workspace   TEXT PRIMARY KEY REFERENCES workspaces (workspace),
                token       TEXT NOT NULL,
                user_name   TEXT NOT NULL,
                host        TEXT NOT NULL,
                pid         INTEGER NOT NULL,
                pid_start   TEXT,
                ci_run      TEXT,
                operation   TEXT NOT NULL,
                since       TEXT NOT NULL,
                backend_pid INTEGER
            )""",
        ),
    ),
    Migration(
        2,
        "kinds and statuses are checked in Python: drop their CHECK lists",
        (
            """CREATE TABLE new_resources (
                workspace         TEXT NOT NULL REFERENCES workspaces (workspace),
                name              TEXT NOT NULL,
                kind              TEXT NOT NULL,
                status            TEXT,
                status_since      TEXT,
                spec_hash         TEXT NOT NULL,
                rejection_reasons TEXT NOT NULL DEFAULT '[]',
                evaluation        TEXT,
                valid_until       TEXT,
                policy_sid        TEXT,
                updated_at        TEXT NOT NULL,
                PRIMARY KEY (workspace, name)
            ) WITHOUT ROWID""",
            """INSERT INTO new_resources (workspace, name, kind, status, status_since,
                   spec_hash, rejection_reasons, evaluation, valid_until, policy_sid, updated_at)
               SELECT workspace, name, kind, status, status_since, spec_hash,
                   rejection_reasons, evaluation, valid_until, policy_sid, updated_at
               FROM resources""",
            "DROP TABLE resources",
            # `specs` names `resources` in its foreign key, so it points at the new table.
            "ALTER TABLE new_resources RENAME TO resources",
            """CREATE TABLE new_remote_objects (
                workspace  TEXT NOT NULL REFERENCES workspaces (workspace),
                name       TEXT NOT NULL,
                role       TEXT NOT NULL,
                kind       TEXT NOT NULL,
                sid        TEXT,
                state      TEXT NOT NULL CHECK (state IN ('intent', 'created', 'deleted')),
                detail     TEXT NOT NULL DEFAULT '{}',
                updated_at TEXT NOT NULL,
                PRIMARY KEY (workspace, name, role),
                CHECK (state <> 'created' OR sid IS NOT NULL)
            )""",
            """INSERT INTO new_remote_objects (workspace, name, role, kind, sid, state, detail,
                   updated_at)
               SELECT workspace, name, role, kind, sid, state, detail, updated_at
               FROM remote_objects""",
            "DROP TABLE remote_objects",
            "ALTER TABLE new_remote_objects RENAME TO remote_objects",
            "CREATE INDEX remote_objects_open ON remote_objects (workspace) WHERE state = 'intent'",
            """CREATE TABLE new_audit (
                workspace     TEXT NOT NULL REFERENCES workspaces (workspace),
                id            INTEGER NOT NULL,
                time          TEXT NOT NULL,
                actor         TEXT NOT NULL,
                kind          TEXT NOT NULL,
                name          TEXT NOT NULL,
                action        TEXT NOT NULL,
                from_status   TEXT,
                to_status     TEXT,
                plan_checksum TEXT,
                detail        TEXT NOT NULL DEFAULT '{}',
                PRIMARY KEY (workspace, id)
            )""",
            # Copying reads the log; the append-only triggers stop only updates and deletes,
            # and DROP TABLE fires none.
            """INSERT INTO new_audit (workspace, id, time, actor, kind, name, action,
                   from_status, to_status, plan_checksum, detail)
               SELECT workspace, id, time, actor, kind, name, action, from_status, to_status,
                   plan_checksum, detail
               FROM audit""",
            "DROP TABLE audit",
            "ALTER TABLE new_audit RENAME TO audit",
            "CREATE INDEX audit_by_name ON audit (workspace, name, id)",
            """CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
            """CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
               BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END""",
        ),
        rebuilds_tables=True,
    ),
    Migration(
        3,
        "the state is bound to the target and account it was made on",
        (
            # NULL until a command first reaches the target; `trusthub state rebind` moves
            # them. The account SID itself is never stored: its masked form (AC…1234) for
            # messages, and a keyed fingerprint to compare with.
            "ALTER TABLE workspaces ADD COLUMN bound_target TEXT",
            "ALTER TABLE workspaces ADD COLUMN bound_account_shown TEXT",
            "ALTER TABLE workspaces ADD COLUMN bound_account_fingerprint TEXT",
        ),
    ),
    Migration(
        4,
        "events received from Twilio (status callbacks, Event Streams), by their id",
        (
            # One row per event the receiver recorded, written in the transaction that
            # records its status, so an acknowledged event is durable and a duplicate (the
            # same id again: Twilio delivers at least once) is never applied twice.
            # `name` is NULL for an event about an object the state does not know.
            # `event_time` orders events about one resource (deliveries arrive in any order).
            """CREATE TABLE received_events (
                workspace   TEXT NOT NULL REFERENCES workspaces (workspace),
                event_id    TEXT NOT NULL,
                source      TEXT NOT NULL,
                event_type  TEXT NOT NULL,
                event_time  TEXT NOT NULL,
                sid         TEXT,
                name        TEXT,
                outcome     TEXT NOT NULL,
                received_at TEXT NOT NULL,
                PRIMARY KEY (workspace, event_id)
            )""",
            "CREATE INDEX received_events_by_name ON received_events (workspace, name)",
        ),
    ),
    Migration(
        5,
        "when the state last read Trust Hub (its age, for plans that do not refresh)",
        ("ALTER TABLE workspaces ADD COLUMN refreshed_at TEXT",),
    ),
    Migration(
        6,
        "each resource records the account it lives in (the parent or a subaccount)",
        # The logical name from trusthub.yaml (`accounts:`); every earlier resource was made
        # with the parent's credentials.
        ("ALTER TABLE resources ADD COLUMN account TEXT NOT NULL DEFAULT 'parent'",),
    ),
)

POSTGRES: Final[tuple[Migration, ...]] = (
    Migration(
        1,
        "initial schema",
        (
            """CREATE TABLE workspaces (
                workspace  text PRIMARY KEY,
                lineage    text NOT NULL,
                serial     bigint NOT NULL DEFAULT 0,
                audit_seq  bigint NOT NULL DEFAULT 0,
                created_at text NOT NULL
            )""",
            f"""CREATE TABLE resources (
                workspace         text NOT NULL REFERENCES workspaces (workspace),
                name              text NOT NULL,
                kind              text NOT NULL CHECK (kind IN {_KINDS}),
                status            text CHECK (status IN {_STATUSES}),
                status_since      text,
                spec_hash         text NOT NULL,
                rejection_reasons jsonb NOT NULL DEFAULT '[]',
                evaluation        jsonb,
                valid_until       text,
                policy_sid        text,
                updated_at        text NOT NULL,
                PRIMARY KEY (workspace, name)
            )""",
            """CREATE TABLE specs (
                workspace text NOT NULL,
                name      text NOT NULL,
                spec      jsonb NOT NULL,
                PRIMARY KEY (workspace, name),
                FOREIGN KEY (workspace, name) REFERENCES resources (workspace, name)
                    ON DELETE CASCADE
            )""",
            f"""CREATE TABLE remote_objects (
                workspace  text NOT NULL REFERENCES workspaces (workspace),
                name       text NOT NULL,
                role       text NOT NULL,
                kind       text NOT NULL CHECK (kind IN {_KINDS}),
                sid        text,
                state      text NOT NULL CHECK (state IN {_REMOTE_STATES}),
                detail     jsonb NOT NULL DEFAULT '{{}}',
                updated_at text NOT NULL,
                PRIMARY KEY (workspace, name, role),
                CHECK (state <> 'created' OR sid IS NOT NULL)
            )""",
            "CREATE INDEX remote_objects_open ON remote_objects (workspace) WHERE state = 'intent'",
            f"""CREATE TABLE audit (
                workspace     text NOT NULL REFERENCES workspaces (workspace),
                id            bigint NOT NULL,
                time          text NOT NULL,
                actor         text NOT NULL,
                kind          text NOT NULL CHECK (kind IN {_KINDS}),
                name          text NOT NULL,
                action        text NOT NULL,
                from_status   text,
                to_status     text,
                plan_checksum text,
                detail        jsonb NOT NULL DEFAULT '{{}}',
                PRIMARY KEY (workspace, id)
            )""",
            "CREATE INDEX audit_by_name ON audit (workspace, name, id)",
            # Append-only, except inside a restore of another lineage, which sets
            # `trusthub.audit_rewrite` for its own transaction only (SET LOCAL).
            """CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN
                 IF TG_OP = 'DELETE'
                    AND current_setting('trusthub.audit_rewrite', true) = 'on' THEN
                   RETURN OLD;
                 END IF;
                 RAISE EXCEPTION 'the audit log is append-only';
               END $$""",
            """CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
               FOR EACH ROW EXECUTE FUNCTION audit_append_only()""",
            """CREATE TABLE locks (
                workspace   text PRIMARY KEY REFERENCES workspaces (workspace),
                token       text NOT NULL,
                user_name   text NOT NULL,
                host        text NOT NULL,
                pid         integer NOT NULL,
                pid_start   text,
                ci_run      text,
                operation   text NOT NULL,
                since       text NOT NULL,
                backend_pid integer
            )""",
        ),
    ),
    Migration(
        2,
        "kinds and statuses are checked in Python: drop their CHECK lists",
        (
            # The names PostgreSQL gave step 1's column constraints (<table>_<column>_check).
            (
                "ALTER TABLE resources DROP CONSTRAINT resources_kind_check, "
                "DROP CONSTRAINT resources_status_check"
            ),
            "ALTER TABLE remote_objects DROP CONSTRAINT remote_objects_kind_check",
            "ALTER TABLE audit DROP CONSTRAINT audit_kind_check",
        ),
    ),
    Migration(
        3,
        "the state is bound to the target and account it was made on",
        (
            "ALTER TABLE workspaces ADD COLUMN bound_target text",
            "ALTER TABLE workspaces ADD COLUMN bound_account_shown text",
            "ALTER TABLE workspaces ADD COLUMN bound_account_fingerprint text",
        ),
    ),
    Migration(
        4,
        "events received from Twilio (status callbacks, Event Streams), by their id",
        (
            """CREATE TABLE received_events (
                workspace   text NOT NULL REFERENCES workspaces (workspace),
                event_id    text NOT NULL,
                source      text NOT NULL,
                event_type  text NOT NULL,
                event_time  text NOT NULL,
                sid         text,
                name        text,
                outcome     text NOT NULL,
                received_at text NOT NULL,
                PRIMARY KEY (workspace, event_id)
            )""",
            "CREATE INDEX received_events_by_name ON received_events (workspace, name)",
        ),
    ),
    Migration(
        5,
        "when the state last read Trust Hub (its age, for plans that do not refresh)",
        ("ALTER TABLE workspaces ADD COLUMN refreshed_at text",),
    ),
    Migration(
        6,
        "each resource records the account it lives in (the parent or a subaccount)",
        ("ALTER TABLE resources ADD COLUMN account text NOT NULL DEFAULT 'parent'",),
    ),
)

LATEST: Final = SQLITE[-1].version

TABLES: Final = frozenset({"workspaces", "resources", "specs", "remote_objects", "audit", "locks"})


def pending(steps: Sequence[Migration], current: int) -> list[Migration]:
    """The steps a state at schema `current` still needs, oldest first."""
    latest = steps[-1].version
    if current > latest:
        raise StateError(
            f"state schema version {current} is newer than this trusthub supports "
            f"({latest}); upgrade trusthub",
            hint="a newer trusthub wrote this state; an older one must not change it",
        )
    return [m for m in steps if m.version > current]
