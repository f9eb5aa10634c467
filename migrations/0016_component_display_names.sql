-- Components people can manage: the name customers read on the status page
-- ('' means the component's name) and when it was retired (hidden from the
-- page and from new incidents; incidents that named it keep it).
ALTER TABLE components ADD COLUMN display_name text NOT NULL DEFAULT '';
ALTER TABLE components ADD COLUMN retired_at timestamptz;
