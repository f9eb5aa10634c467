-- An audit trail people can read (ListAuditEvents): each row names the
-- update it posted, with the author's lint override reason and whether they
-- confirmed a named third party at fault, as columns rather than only in the
-- details text.
ALTER TABLE audit_log ADD COLUMN update_id bigint;
ALTER TABLE audit_log ADD COLUMN lint_override_reason text NOT NULL DEFAULT '';
ALTER TABLE audit_log ADD COLUMN third_party_confirmed boolean NOT NULL DEFAULT false;
CREATE INDEX audit_log_by_incident ON audit_log (incident_id, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor, id);

-- Rows written before: the change-log row written with each audit row (same
-- time, kind, incident and actor) names the update; the update holds the rest.
UPDATE audit_log a SET update_id = c.update_id
FROM change_log c
WHERE c.at = a.at AND c.kind = a.action AND c.actor = a.actor
  AND c.incident_id IS NOT DISTINCT FROM a.incident_id AND c.update_id IS NOT NULL;
UPDATE audit_log a SET lint_override_reason = u.lint_override_reason,
                       third_party_confirmed = u.third_party_confirmed
FROM incident_updates u WHERE u.id = a.update_id;

-- record_change (0008) with the three audit columns; the same steps otherwise.
DROP FUNCTION record_change(timestamptz, text, bigint, bigint, bigint, text, text, text, text,
                            text, text, text);
CREATE FUNCTION record_change(p_at timestamptz, p_kind text, p_incident_id bigint,
                              p_incident_version bigint, p_update_id bigint,
                              p_component_name text, p_actor text, p_summary text,
                              p_request_id text, p_details text, p_idempotency_key text,
                              p_fingerprint text, p_lint_override_reason text,
                              p_third_party_confirmed boolean,
                              OUT change_id bigint, OUT sequence bigint)
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO change_log (at, kind, incident_id, incident_version, update_id, component_name,
                          actor, summary)
  VALUES (p_at, p_kind, p_incident_id, p_incident_version, p_update_id, p_component_name,
          p_actor, p_summary)
  RETURNING id INTO change_id;
  INSERT INTO audit_log (at, actor, action, incident_id, request_id, details, update_id,
                         lint_override_reason, third_party_confirmed)
  VALUES (p_at, p_actor, p_kind, p_incident_id, p_request_id, p_details, p_update_id,
          p_lint_override_reason, p_third_party_confirmed);
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
