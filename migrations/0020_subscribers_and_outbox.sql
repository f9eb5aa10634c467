-- Subscribers and the notification outbox (issue 11; docs/notifications.md).
--
-- A notification is written in the same transaction as the public update,
-- resolution, reopen or postmortem that causes it
-- (libs/pgstore/notification_outbox.cc): one `notifications` row holding a
-- snapshot of what to say, and one `notification_deliveries` row per matching
-- confirmed subscriber. The notifier claims deliveries with FOR UPDATE SKIP
-- LOCKED (libs/pgstore/pg_outbox_store.cc). Times come from the writer's and
-- the notifier's injected clocks, never from now() in SQL.

CREATE TABLE subscribers (
  id                   text PRIMARY KEY,  -- "sub_" + random
  kind                 text NOT NULL CHECK (kind IN ('email', 'webhook', 'slack')),
  destination          text NOT NULL,     -- an email address or a webhook URL
  -- The webhook URL's host (lower case), for the per-host delivery limit;
  -- the address's domain for email.
  destination_host     text NOT NULL,
  all_components       boolean NOT NULL,
  components           text[] NOT NULL DEFAULT '{}',
  confirmed            boolean NOT NULL,
  -- whsec_...: kept to sign each webhook (Standard Webhooks), shown once.
  webhook_secret       text NOT NULL DEFAULT '',
  source               text NOT NULL CHECK (source IN ('form', 'admin')),
  created_at           timestamptz NOT NULL,
  confirmed_at         timestamptz,
  confirmation_sent_at timestamptz,
  unsubscribed_at      timestamptz,
  unsubscribe_reason   text NOT NULL DEFAULT ''
);
-- One live subscription per destination and kind.
CREATE UNIQUE INDEX subscribers_live_destination ON subscribers (kind, lower(destination))
  WHERE unsubscribed_at IS NULL;
CREATE INDEX subscribers_live_confirmed ON subscribers (id)
  WHERE confirmed AND unsubscribed_at IS NULL;

-- What one event says, once for all its subscribers.
CREATE TABLE notifications (
  id          bigserial PRIMARY KEY,
  change_id   bigint NOT NULL REFERENCES change_log (id),
  event       text NOT NULL CHECK (event IN ('incident.updated', 'incident.resolved',
                                             'incident.reopened',
                                             'incident.postmortem_published')),
  incident_id bigint NOT NULL REFERENCES incidents (id),
  update_id   bigint,
  content     jsonb NOT NULL,
  created_at  timestamptz NOT NULL
);

-- One row per message to one subscriber: a notification or a double opt-in
-- confirmation mail. `id` is the webhook-id (and the mail's Message-ID): the
-- same on every attempt, what receivers deduplicate on.
CREATE TABLE notification_deliveries (
  id              text PRIMARY KEY,
  notification_id bigint REFERENCES notifications (id),  -- NULL for a confirmation
  subscriber_id   text NOT NULL REFERENCES subscribers (id),
  purpose         text NOT NULL CHECK (purpose IN ('notification', 'confirmation')),
  created_at      timestamptz NOT NULL,
  state           text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'rejected', 'given_up',
                                   'unsubscribed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  claimed_until   timestamptz,
  last_attempt_at timestamptz,
  finished_at     timestamptz,
  last_status     integer NOT NULL DEFAULT 0,
  last_detail     text NOT NULL DEFAULT ''
);
CREATE INDEX notification_deliveries_due ON notification_deliveries (next_attempt_at)
  WHERE state = 'pending';
CREATE INDEX notification_deliveries_by_subscriber
  ON notification_deliveries (subscriber_id, created_at DESC);
