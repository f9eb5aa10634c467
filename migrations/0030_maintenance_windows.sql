-- Scheduled maintenance: its own record, not an incident (never in incident
-- compliance). A window is announced ahead (scheduled), runs (in_progress)
-- and ends (completed), or is cancelled; the times it actually started and
-- ended are kept beside the announced ones.
CREATE SEQUENCE maintenance_number_seq;

CREATE TABLE maintenance_windows (
  id              bigserial PRIMARY KEY,
  ref             text NOT NULL UNIQUE,
  title           text NOT NULL,
  message         text NOT NULL,
  state           text NOT NULL
                  CHECK (state IN ('scheduled', 'in_progress', 'completed', 'cancelled')),
  scheduled_start timestamptz NOT NULL,
  scheduled_end   timestamptz NOT NULL,
  started_at      timestamptz,
  ended_at        timestamptz,
  created_by      text NOT NULL,
  created_at      timestamptz NOT NULL,
  updated_at      timestamptz NOT NULL,
  version         bigint NOT NULL CHECK (version > 0),
  CHECK (scheduled_end > scheduled_start)
);
CREATE INDEX maintenance_windows_by_start ON maintenance_windows (scheduled_start DESC, id DESC);

CREATE TABLE maintenance_components (
  maintenance_id bigint NOT NULL REFERENCES maintenance_windows (id),
  component_id   bigint NOT NULL REFERENCES components (id),
  position       integer NOT NULL,
  PRIMARY KEY (maintenance_id, component_id)
);
