-- Banners: where each component's banner shows, manual banners, kill switches.

-- Where a component's incident banner appears: apps (comma-separated, empty =
-- every app) and fnmatch(3) path patterns (comma-separated, empty = every page).
ALTER TABLE components ADD COLUMN banner_apps text NOT NULL DEFAULT '';
ALTER TABLE components ADD COLUMN banner_paths text NOT NULL DEFAULT '';

CREATE TABLE manual_banners (
  id              bigserial PRIMARY KEY,
  text            text NOT NULL,
  level           smallint NOT NULL,
  link            text NOT NULL DEFAULT '',
  apps            text NOT NULL DEFAULT '',
  path_patterns   text NOT NULL DEFAULT '',
  components      text NOT NULL DEFAULT '',
  starts_at       timestamptz,
  ends_at         timestamptz,
  enabled         boolean NOT NULL,
  content_version bigint NOT NULL,
  updated_at      timestamptz NOT NULL,
  updated_by      text NOT NULL
);

CREATE TABLE kill_switches (
  scope   text PRIMARY KEY,  -- '*' or an app
  engaged boolean NOT NULL,
  reason  text NOT NULL,
  set_by  text NOT NULL,
  set_at  timestamptz NOT NULL
);
