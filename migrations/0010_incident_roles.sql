-- Who speaks for an incident: its incident commander and communications
-- lead (token names), and every change of them for the timeline. Under the
-- server's --post_policy=roles only they (or an admin) post customer-facing
-- text for it.
ALTER TABLE incidents ADD COLUMN commander text NOT NULL DEFAULT '';
ALTER TABLE incidents ADD COLUMN comms_lead text NOT NULL DEFAULT '';

-- Incidents declared before roles existed: whoever declared them commands
-- them (as a new declaration without a named commander does).
UPDATE incidents i SET commander = a.actor
FROM (SELECT DISTINCT ON (incident_id) incident_id, actor FROM audit_log
      WHERE action = 'declared' ORDER BY incident_id, id) a
WHERE a.incident_id = i.id AND i.commander = '';

CREATE TABLE role_changes (
  id          bigserial PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id),
  role        text NOT NULL CHECK (role IN ('commander', 'comms_lead')),
  from_name   text NOT NULL,  -- '' when the role was unset
  to_name     text NOT NULL,
  author      text NOT NULL,
  changed_at  timestamptz NOT NULL
);
CREATE INDEX role_changes_by_incident ON role_changes (incident_id, id);
