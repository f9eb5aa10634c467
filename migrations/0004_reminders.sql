-- Reminders raised before a promise falls due and when it is missed. The
-- unique key makes each reminder happen once, whichever replica raises it
-- and however often it restarts.
CREATE TABLE reminders (
  id                bigserial PRIMARY KEY,
  incident_id       bigint NOT NULL REFERENCES incidents (id),
  kind              text NOT NULL,
  due               timestamptz NOT NULL,
  raised_at         timestamptz NOT NULL,
  text              text NOT NULL,
  suggested_message text NOT NULL,
  UNIQUE (incident_id, kind, due)
);
