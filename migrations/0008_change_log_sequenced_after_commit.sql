-- Change-log sequences are assigned after the write commits, in a short
-- transaction of their own, so writers no longer hold one row lock through
-- their whole transaction and its commit flush (which made every write wait
-- for every other write's fsync: no group commit).
--
-- A write inserts its change_log row with sequence NULL ("pending") in its
-- own transaction (record_change). Numbering takes a transaction-scoped
-- advisory lock, numbers every pending row it sees from the head on (in id
-- order), moves the head in change_sequence and NOTIFYs. A lone writer
-- numbers inside its own transaction (the lock is free); when another
-- numbering holds the lock, the writer commits without waiting and numbers
-- after its commit, in a short transaction of its own (sequence_change). One
-- numbering covers everything pending, so writers that commit together are
-- numbered by whichever of them gets the lock first: one commit flush for the
-- batch, and no writer holds the lock while it waits for its own statements.
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

-- Numbers every pending change this transaction sees, from the head on, in
-- id order; moves the head and NOTIFYs it. REQUIRES the numbering lock
-- (change_sequence_lock_key()), held until commit.
CREATE FUNCTION change_sequence_lock_key() RETURNS bigint
LANGUAGE sql IMMUTABLE AS $$ SELECT hashtextextended('statuscast change_sequence', 0) $$;

CREATE FUNCTION number_pending_changes() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  head bigint;
  numbered bigint;
BEGIN
  -- A statement started after the lock was granted: the previous batch and
  -- every write that committed before are visible.
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
END;
$$;

-- Step 2 (change_log.h): numbers every committed pending change and returns
-- the sequence of `change_id` (0 when there is no such change). Run it after
-- the transaction that recorded the change committed, in a short transaction
-- of its own: the lock is held until that ends.
CREATE FUNCTION sequence_change(change_id bigint) RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  seq bigint;
BEGIN
  SELECT sequence INTO seq FROM change_log WHERE id = change_id;
  IF seq IS NOT NULL OR NOT FOUND THEN
    RETURN coalesce(seq, 0);
  END IF;
  PERFORM pg_advisory_xact_lock(change_sequence_lock_key());
  -- The numbering we waited for may have covered this change: then leave
  -- the rest to the next waiter whose change it did not cover, so that one
  -- numbers (and flushes) them all together.
  SELECT sequence INTO seq FROM change_log WHERE id = change_id;
  IF seq IS NOT NULL THEN
    RETURN seq;
  END IF;
  PERFORM number_pending_changes();
  SELECT sequence INTO seq FROM change_log WHERE id = change_id;
  RETURN coalesce(seq, 0);
END;
$$;

-- Step 1 (change_log.h), inside the writing transaction: the pending change
-- row, the audit row and (with a key) the idempotency row. When no other
-- numbering is under way it also numbers the change in this transaction (one
-- commit instead of two for a lone writer) and returns its sequence;
-- otherwise sequence 0, and step 2 runs after the commit.
CREATE FUNCTION record_change(p_at timestamptz, p_kind text, p_incident_id bigint,
                              p_incident_version bigint, p_update_id bigint,
                              p_component_name text, p_actor text, p_summary text,
                              p_request_id text, p_details text, p_idempotency_key text,
                              p_fingerprint text,
                              OUT change_id bigint, OUT sequence bigint)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_log (at, kind, incident_id, incident_version, update_id, component_name,
                          actor, summary)
  VALUES (p_at, p_kind, p_incident_id, p_incident_version, p_update_id, p_component_name,
          p_actor, p_summary)
  RETURNING id INTO change_id;
  INSERT INTO audit_log (at, actor, action, incident_id, request_id, details)
  VALUES (p_at, p_actor, p_kind, p_incident_id, p_request_id, p_details);
  IF p_idempotency_key <> '' THEN
    INSERT INTO idempotency_keys (key, operation, fingerprint, incident_id, update_id, change_id,
                                  created_at)
    VALUES (p_idempotency_key, p_kind, p_fingerprint, p_incident_id, p_update_id, change_id,
            p_at);
  END IF;
  sequence := 0;
  IF pg_try_advisory_xact_lock(change_sequence_lock_key()) THEN
    PERFORM number_pending_changes();
    SELECT c.sequence INTO sequence FROM change_log c WHERE c.id = change_id;
  END IF;
END;
$$;

-- A write's idempotency lookup in one round trip: lock the key for the rest
-- of the transaction (writers of one key go one at a time), then read what an
-- earlier write under it left, in a statement that starts after the lock was
-- granted (so a write that held it and committed is visible).
CREATE FUNCTION lock_idempotency_key(p_key text)
RETURNS TABLE (operation text, fingerprint text, incident_ref text, update_id bigint,
               sequence bigint, change_id bigint)
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(p_key, 0));
  RETURN QUERY
    SELECT k.operation, k.fingerprint, coalesce(i.ref, ''), coalesce(k.update_id, 0),
           coalesce(k.sequence, cl.sequence), coalesce(k.change_id, 0)
    FROM idempotency_keys k
    LEFT JOIN incidents i ON i.id = k.incident_id
    LEFT JOIN change_log cl ON cl.id = k.change_id
    WHERE k.key = p_key;
END;
$$;
