-- Drafts of customer-facing updates proposed for review (ProposeUpdate):
-- private, never on a public surface, posted only when the incident's
-- commander or communications lead approves them (update_id is then the
-- update posted), or rejected with a reason.
CREATE TABLE update_drafts (
  id                      bigserial PRIMARY KEY,
  incident_id             bigint NOT NULL REFERENCES incidents (id),
  status                  text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
  state                   text NOT NULL,  -- '' when the draft keeps the state
  message                 text NOT NULL,
  banner_text             text NOT NULL,
  channels                text NOT NULL,  -- comma-separated channel names
  next_update_at          timestamptz,
  use_default_next_update boolean NOT NULL,
  no_progress             boolean NOT NULL,
  third_party_confirmed   boolean NOT NULL,
  author                  text NOT NULL,
  proposed_at             timestamptz NOT NULL,
  based_on_version        bigint NOT NULL,
  lint_findings           jsonb NOT NULL DEFAULT '[]',  -- as incident_updates.lint_findings
  idempotency_key         text NOT NULL,
  decided_by              text NOT NULL DEFAULT '',
  decided_at              timestamptz,
  reject_reason           text NOT NULL DEFAULT '',
  update_id               bigint REFERENCES incident_updates (id)
);
CREATE INDEX update_drafts_by_incident ON update_drafts (incident_id, id);
CREATE INDEX update_drafts_pending ON update_drafts (id) WHERE status = 'pending';
