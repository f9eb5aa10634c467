-- The communication linter's findings on each update when it was posted, and
-- the author's reason for posting despite error-level findings.

-- A JSON array of statuscast.v1.LintFinding in protobuf's JSON mapping
-- (snake_case field names, enums by name), e.g.
-- [{"rule_id":"eta-clock","level":"LINT_LEVEL_ERROR",...}].
ALTER TABLE incident_updates ADD COLUMN lint_findings jsonb NOT NULL DEFAULT '[]';
ALTER TABLE incident_updates ADD COLUMN lint_override_reason text NOT NULL DEFAULT '';
