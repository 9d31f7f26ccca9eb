-- EgressGuard fleet ledger: the central PostgreSQL copy of every appliance's ledger.
-- Applied by the PostgreSQL sink at connect (idempotent: IF NOT EXISTS everywhere, under an advisory
-- lock so appliances starting together do not race). Monthly partitions of egressguard_entries are
-- created by the sink as entries for a new month arrive:
--   CREATE TABLE egressguard_entries_y2026m03 PARTITION OF egressguard_entries
--     FOR VALUES FROM ('2026-03-01 00:00:00+00') TO ('2026-04-01 00:00:00+00');
-- Dropping a whole old partition is the fleet's retention (DETACH first to archive it).

-- One row per ledger entry. canonical = the exact bytes the appliance hashed (format: the ledger
-- README §1); leaf = SHA-256(0x00 || canonical). A copy re-verifies on its own: re-hash canonical and
-- compare with leaf, fold the leaves of one origin in seq order and compare with the signed roots in
-- egressguard_checkpoints. The other columns are decoded from canonical, for queries only.
-- Key: (origin, seq). PostgreSQL requires the partition column in a partitioned table's primary key;
-- time is a function of (origin, seq) (it is inside the hashed bytes), so the key is still one row per
-- entry, and the sink writes each batch together with its cursor in one transaction.
CREATE TABLE IF NOT EXISTS egressguard_entries (
    origin        text        NOT NULL,
    seq           bigint      NOT NULL CHECK (seq >= 0),
    time          timestamptz NOT NULL,
    kind          text        NOT NULL,
    canonical     bytea       NOT NULL,
    leaf          bytea       NOT NULL CHECK (octet_length(leaf) = 32),
    record_id     uuid        NOT NULL,
    client        text,
    host          text,
    ip            text,
    port          integer,
    country       text,
    outbound      boolean,
    mode          text,
    decision      text,
    reason        text,
    assessment_id text,
    method        text,
    status        integer,
    bytes_up      bigint,
    bytes_down    bigint,
    duration_us   bigint,
    inspection    text,
    findings      jsonb,
    geo_build     text,
    subject       text,
    detail        text,
    shipped_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (origin, seq, time)
) PARTITION BY RANGE (time);

CREATE INDEX IF NOT EXISTS egressguard_entries_time ON egressguard_entries (time);
CREATE INDEX IF NOT EXISTS egressguard_entries_host ON egressguard_entries (host, time);
CREATE INDEX IF NOT EXISTS egressguard_entries_client ON egressguard_entries (client, time);

-- Signed checkpoints (C2SP signed notes, ledger README §3), one row per (origin, number).
CREATE TABLE IF NOT EXISTS egressguard_checkpoints (
    origin     text        NOT NULL,
    number     bigint      NOT NULL CHECK (number >= 0),
    tree_size  bigint      NOT NULL CHECK (tree_size >= 0),
    time       timestamptz NOT NULL,
    note       text        NOT NULL,
    shipped_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (origin, number)
);

-- How far each appliance has shipped, moved in the same transaction as the rows it covers: the
-- exactly-once guarantee (a batch and its cursor commit together or not at all).
CREATE TABLE IF NOT EXISTS egressguard_sink_cursors (
    origin          text        PRIMARY KEY,
    next_sequence   bigint      NOT NULL CHECK (next_sequence >= 0),
    next_checkpoint bigint      NOT NULL CHECK (next_checkpoint >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
