-- Where each delivery goes, on the delivery row itself (issue 11, throughput):
-- `mail` for a mail (through the SMTP relay), else `host`, the webhook or
-- Slack URL's host (the subscriber's destination_host). The notifier's claim
-- leaves out destinations that are at their limit of sends in flight
-- (libs/notify/notifier.h); with these columns it does so without looking up
-- each row's subscriber. Mail and the rest are claimed side by side, each
-- from its own index (oldest due first), so neither waits behind the other's
-- queue and a claim that leaves out mail does not step over queued mail.

ALTER TABLE notification_deliveries
  ADD COLUMN mail boolean NOT NULL DEFAULT false,
  ADD COLUMN host text NOT NULL DEFAULT '';

UPDATE notification_deliveries d
   SET mail = (s.kind = 'email'),
       host = CASE WHEN s.kind = 'email' THEN '' ELSE s.destination_host END
  FROM subscribers s
 WHERE s.id = d.subscriber_id;

CREATE INDEX notification_deliveries_due_mail ON notification_deliveries (next_attempt_at)
  WHERE state = 'pending' AND mail;
CREATE INDEX notification_deliveries_due_not_mail ON notification_deliveries (next_attempt_at)
  WHERE state = 'pending' AND NOT mail;
