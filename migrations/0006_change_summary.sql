-- What a change without an incident or a component did, in words, for
-- watchers (statuscastctl watch): manual banner and kill-switch changes.
-- Rows written before this migration have ''.
ALTER TABLE change_log ADD COLUMN summary text NOT NULL DEFAULT '';
