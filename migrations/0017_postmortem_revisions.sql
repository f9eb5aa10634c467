-- Postmortems as customers read them: every publication is kept. postmortems
-- holds the version in force (with its number and when the first was
-- published), postmortem_revisions every version, with the linter's findings
-- on its body and the author's override reason. Rows written before this
-- migration become version 1. Revisions are never updated or deleted.
ALTER TABLE postmortems ADD COLUMN revision integer NOT NULL DEFAULT 1;
ALTER TABLE postmortems ADD COLUMN first_published_at timestamptz;
UPDATE postmortems SET first_published_at = published_at;
ALTER TABLE postmortems ALTER COLUMN first_published_at SET NOT NULL;

CREATE TABLE postmortem_revisions (
  incident_id          bigint NOT NULL REFERENCES incidents (id),
  revision             integer NOT NULL CHECK (revision > 0),
  url                  text NOT NULL,
  body                 text NOT NULL,
  published_at         timestamptz NOT NULL,
  author               text NOT NULL,
  -- A JSON array of statuscast.v1.LintFinding, as incident_updates.lint_findings.
  lint_findings        jsonb NOT NULL DEFAULT '[]',
  lint_override_reason text NOT NULL DEFAULT '',
  PRIMARY KEY (incident_id, revision)
);
INSERT INTO postmortem_revisions (incident_id, revision, url, body, published_at, author)
  SELECT incident_id, 1, url, body, published_at, author FROM postmortems;
