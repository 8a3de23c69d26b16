import Cache
public import SQLite

extension EdgeStore {
    /// The schema, oldest first. Append new steps; never edit or reorder a released one.
    public static let migrations: [Migration] = [
        Migration(
            version: 1,
            sql: """
                CREATE TABLE tasks (
                    session_id INTEGER NOT NULL,
                    task_id INTEGER NOT NULL CHECK (task_id >= 0),
                    created_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    status INTEGER NOT NULL CHECK (status IN (0, 1, 4, 5)),
                    prompt_hash TEXT NOT NULL CHECK (length(prompt_hash) = 64),
                    client_reference TEXT,
                    error TEXT,
                    PRIMARY KEY (session_id, task_id)
                ) WITHOUT ROWID;
                CREATE TABLE task_assignments (
                    session_id INTEGER NOT NULL,
                    task_id INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    miner TEXT NOT NULL,
                    PRIMARY KEY (session_id, task_id, idx),
                    FOREIGN KEY (session_id, task_id) REFERENCES tasks (session_id, task_id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                CREATE TABLE task_results (
                    session_id INTEGER NOT NULL,
                    task_id INTEGER NOT NULL,
                    idx INTEGER NOT NULL,
                    miner TEXT NOT NULL,
                    data TEXT NOT NULL,
                    PRIMARY KEY (session_id, task_id, idx),
                    FOREIGN KEY (session_id, task_id) REFERENCES tasks (session_id, task_id) ON DELETE CASCADE
                ) WITHOUT ROWID;
                """),
        Migration(
            version: 2,
            sql: """
                CREATE TABLE api_keys (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    prefix TEXT NOT NULL UNIQUE,
                    key_hash TEXT NOT NULL UNIQUE CHECK (length(key_hash) = 64),
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                """),
        Migration(version: 3, sql: BlockStore.schema),
        Migration(version: 4, sql: CompletionCache.schema),
        // Each task's request and result as blocks in the block store.
        Migration(
            version: 5,
            sql: """
                ALTER TABLE tasks ADD COLUMN request_cid TEXT;
                ALTER TABLE tasks ADD COLUMN result_cid TEXT;
                """),
        // The same `tasks`, its status check written as comparisons: for an IN list SQLite builds a temporary
        // b-tree on every INSERT and UPDATE of a task. SQLite's table-rebuild procedure (new table, copy, drop,
        // rename), with foreign keys off so that task_assignments and task_results keep their rows.
        Migration(
            version: 6,
            sql: """
                CREATE TABLE new_tasks (
                    session_id INTEGER NOT NULL,
                    task_id INTEGER NOT NULL CHECK (task_id >= 0),
                    created_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    status INTEGER NOT NULL CHECK (status = 0 OR status = 1 OR status = 4 OR status = 5),
                    prompt_hash TEXT NOT NULL CHECK (length(prompt_hash) = 64),
                    client_reference TEXT,
                    error TEXT,
                    request_cid TEXT,
                    result_cid TEXT,
                    PRIMARY KEY (session_id, task_id)
                ) WITHOUT ROWID;
                INSERT INTO new_tasks (
                    session_id, task_id, created_at, finished_at, status, prompt_hash, client_reference, error,
                    request_cid, result_cid)
                SELECT
                    session_id, task_id, created_at, finished_at, status, prompt_hash, client_reference, error,
                    request_cid, result_cid
                FROM tasks;
                DROP TABLE tasks;
                ALTER TABLE new_tasks RENAME TO tasks;
                """,
            rebuildsTables: true),
        // What retention pruned: every task of the session below `below` is gone (it reads as expired, while
        // an id never issued stays not found). One row per session, so remembering costs nothing per task.
        Migration(
            version: 7,
            sql: """
                CREATE TABLE task_pruned (
                    session_id INTEGER PRIMARY KEY,
                    below INTEGER NOT NULL CHECK (below >= 0)
                );
                """),
    ]
}
