-- statuscast schema v1: components, incidents, updates, postmortems, audit,
-- and the change log that followers read by sequence.

CREATE TABLE components (
  id          bigserial PRIMARY KEY,
  name        text NOT NULL UNIQUE,
  group_name  text NOT NULL DEFAULT '',
  description text NOT NULL DEFAULT '',
  created_at  timestamptz NOT NULL
);

CREATE SEQUENCE incident_number_seq;

CREATE TABLE incidents (
  id                     bigserial PRIMARY KEY,
  ref                    text NOT NULL UNIQUE,
  title                  text NOT NULL,
  severity               smallint NOT NULL CHECK (severity BETWEEN 1 AND 3),
  state                  text NOT NULL
                         CHECK (state IN ('investigating', 'identified', 'monitoring', 'resolved')),
  confirmed_start        timestamptz NOT NULL,
  declared_at            timestamptz NOT NULL,
  first_communication_at timestamptz,
  investigating_at       timestamptz,
  identified_at          timestamptz,
  monitoring_at          timestamptz,
  resolved_at            timestamptz,
  next_update_at         timestamptz,
  reopen_count           integer NOT NULL DEFAULT 0,
  version                bigint NOT NULL CHECK (version > 0),
  updated_at             timestamptz NOT NULL
);
CREATE INDEX incidents_by_start ON incidents (confirmed_start DESC, id DESC);
CREATE INDEX incidents_open ON incidents (id) WHERE state <> 'resolved';

CREATE TABLE incident_components (
  incident_id  bigint NOT NULL REFERENCES incidents (id),
  component_id bigint NOT NULL REFERENCES components (id),
  position     integer NOT NULL,
  status       text NOT NULL CHECK (status IN ('operational', 'degraded_performance',
                                               'partial_outage', 'major_outage',
                                               'under_maintenance')),
  PRIMARY KEY (incident_id, component_id)
);
CREATE INDEX incident_components_by_component ON incident_components (component_id);

CREATE TABLE incident_updates (
  id              bigserial PRIMARY KEY,
  incident_id     bigint NOT NULL REFERENCES incidents (id),
  kind            text NOT NULL,
  state           text NOT NULL,
  severity        smallint NOT NULL,
  message         text NOT NULL,
  banner_text     text NOT NULL,
  channels        text NOT NULL,  -- comma-separated channel names
  posted_at       timestamptz NOT NULL,
  next_update_at  timestamptz,
  author          text NOT NULL,
  kept_promise    text NOT NULL,
  idempotency_key text NOT NULL
);
CREATE INDEX incident_updates_by_incident ON incident_updates (incident_id, id);

CREATE TABLE severity_changes (
  id                    bigserial PRIMARY KEY,
  incident_id           bigint NOT NULL REFERENCES incidents (id),
  from_severity         smallint NOT NULL,
  to_severity           smallint NOT NULL,
  reason                text NOT NULL,
  author                text NOT NULL,
  changed_at            timestamptz NOT NULL,
  next_update_at_before timestamptz,
  next_update_at_after  timestamptz
);
CREATE INDEX severity_changes_by_incident ON severity_changes (incident_id, id);

CREATE TABLE postmortems (
  incident_id  bigint PRIMARY KEY REFERENCES incidents (id),
  url          text NOT NULL,
  body         text NOT NULL,
  published_at timestamptz NOT NULL,
  author       text NOT NULL
);

-- Who did what, when, under which request id. Never updated or deleted.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL,
  actor       text NOT NULL,
  action      text NOT NULL,
  incident_id bigint REFERENCES incidents (id),
  request_id  text NOT NULL,
  details     text NOT NULL
);

-- One row per committed mutation. `sequence` comes from change_sequence,
-- whose single row is locked until commit, so sequences are gapless and in
-- commit order: a follower that has read N has everything up to N.
CREATE TABLE change_log (
  sequence         bigint PRIMARY KEY,
  at               timestamptz NOT NULL,
  kind             text NOT NULL,
  incident_id      bigint REFERENCES incidents (id),
  incident_version bigint NOT NULL DEFAULT 0,
  update_id        bigint,
  component_name   text NOT NULL DEFAULT '',
  actor            text NOT NULL
);

CREATE TABLE change_sequence (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  value     bigint NOT NULL
);
INSERT INTO change_sequence VALUES (true, 0);

CREATE TABLE idempotency_keys (
  key         text PRIMARY KEY,
  operation   text NOT NULL,
  fingerprint text NOT NULL,
  incident_id bigint REFERENCES incidents (id),
  update_id   bigint,
  sequence    bigint NOT NULL,
  created_at  timestamptz NOT NULL
);
