-- Corrections of posted updates (CorrectUpdate): every version of an
-- update's text, with who wrote it, when and why. incident_updates keeps the
-- text in force; revision 1 is the text as posted, recorded with the first
-- correction. Never updated or deleted.
CREATE TABLE update_revisions (
  update_id   bigint NOT NULL REFERENCES incident_updates (id),
  revision    integer NOT NULL CHECK (revision > 0),
  message     text NOT NULL,
  banner_text text NOT NULL,
  revised_at  timestamptz NOT NULL,
  author      text NOT NULL,
  reason      text NOT NULL DEFAULT '',
  PRIMARY KEY (update_id, revision)
);
