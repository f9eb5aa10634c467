-- API tokens for the internal gRPC APIs (statuscast-comms, BannerAdminService).
-- Only the SHA-256 of a token's secret is stored: the secret is shown once,
-- when the token is created. A token is never deleted: revoking sets
-- revoked_at, and its name stays taken, so audit rows that name it keep
-- meaning one token.
CREATE TABLE api_tokens (
  id         bigserial PRIMARY KEY,
  name       text NOT NULL UNIQUE,
  token_hash text NOT NULL UNIQUE,  -- lower-case hex SHA-256 of the whole "sct_..." secret
  scope      text NOT NULL CHECK (scope IN ('read', 'write', 'admin')),
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz,
  created_by text NOT NULL
);
