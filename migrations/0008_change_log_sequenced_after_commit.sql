-- Change-log sequences are assigned after the write commits, in a short
-- transaction of their own, so writers no longer hold one row lock through
-- their whole transaction and its commit flush (which made every write wait
-- for every other write's fsync: no group commit).
--
-- A write inserts its change_log row with sequence NULL ("pending") in its
-- own transaction. Once that has committed, sequence_change(id) takes a
-- transaction-scoped advisory lock, numbers every committed pending row from
-- the head on (in id order), moves the head in change_sequence and NOTIFYs,
-- and commits. One call numbers everything pending, so writers that commit
-- together are numbered by whichever of them gets the lock first: one commit
-- flush for the batch.
--
-- What followers rely on is unchanged: they read rows with sequence > N in
-- sequence order; the sequences that become visible are gapless and each
-- batch commits above the previous one, so a follower that has read N has
-- everything up to N and nothing at or below N appears later. A change is
-- numbered only after its write committed, so whatever a follower reads for
-- sequence N already includes that write. Writes that lock the same rows
-- (an incident, an idempotency key) commit one after the other and get
-- their ids, hence their sequences, in that order.
ALTER TABLE change_log ADD COLUMN id bigint;
UPDATE change_log SET id = sequence;
CREATE SEQUENCE change_log_id_seq OWNED BY change_log.id;
SELECT setval('change_log_id_seq', coalesce((SELECT max(id) FROM change_log), 0) + 1, false);
ALTER TABLE change_log ALTER COLUMN id SET DEFAULT nextval('change_log_id_seq'),
                       ALTER COLUMN id SET NOT NULL,
                       DROP CONSTRAINT change_log_pkey,
                       ADD PRIMARY KEY (id),
                       ALTER COLUMN sequence DROP NOT NULL,
                       ADD CONSTRAINT change_log_sequence_key UNIQUE (sequence);
CREATE INDEX change_log_pending ON change_log (id) WHERE sequence IS NULL;

-- The idempotency row points at its change; the sequence is read through it
-- (rows written before this migration keep their sequence).
ALTER TABLE idempotency_keys ADD COLUMN change_id bigint REFERENCES change_log (id),
                             ALTER COLUMN sequence DROP NOT NULL;

-- Numbers every committed pending change and returns the sequence of
-- `change_id` (0 when there is no such change). Run it outside the writing
-- transaction, after that has committed; inside a transaction the lock is
-- held until that transaction ends.
CREATE FUNCTION sequence_change(change_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
  head bigint;
  numbered bigint;
BEGIN
  SELECT sequence INTO seq FROM change_log WHERE id = change_id;
  IF seq IS NOT NULL OR NOT FOUND THEN
    RETURN coalesce(seq, 0);
  END IF;
  -- One numbering at a time; held until commit, so batches commit in order.
  PERFORM pg_advisory_xact_lock(hashtextextended('statuscast change_sequence', 0));
  -- A new snapshot from here on: the previous batch and every write that
  -- committed before the lock was granted are visible.
  SELECT value INTO head FROM change_sequence;
  WITH numbered_rows AS (
    UPDATE change_log c SET sequence = p.seq
    FROM (SELECT id, head + row_number() OVER (ORDER BY id) AS seq
          FROM change_log WHERE sequence IS NULL) p
    WHERE c.id = p.id
    RETURNING 1)
  SELECT count(*) INTO numbered FROM numbered_rows;
  IF numbered > 0 THEN
    UPDATE change_sequence SET value = head + numbered;
    PERFORM pg_notify('statuscast_changes', (head + numbered)::text);
  END IF;
  SELECT sequence INTO seq FROM change_log WHERE id = change_id;
  RETURN coalesce(seq, 0);
END;
$$;
