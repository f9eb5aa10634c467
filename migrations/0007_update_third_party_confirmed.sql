-- Whether the responder confirmed that a third party named in an update is at
-- fault: it switches off the linter's third-party-blame error, so the record
-- keeps who vouched for it. Rows written before this migration have false.
ALTER TABLE incident_updates ADD COLUMN third_party_confirmed boolean NOT NULL DEFAULT false;
