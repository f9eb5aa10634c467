-- Component edits carry the version the editor last saw (UpdateComponent and
-- RetireComponent's expected_version): every edit adds one, so a stale editor
-- is refused instead of overwriting a newer display name or description.
ALTER TABLE components ADD COLUMN version bigint NOT NULL DEFAULT 1 CHECK (version > 0);
