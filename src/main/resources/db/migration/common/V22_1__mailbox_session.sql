-- Mailbox sign-in sessions: a mailbox that proved its mail password holds a short-lived bearer
-- token (mps_...), of which only the SHA-256 is stored. The hash is the key, so the table needs no
-- auto-increment (whose syntax differs between MariaDB, PostgreSQL and H2). The index is created
-- before the foreign key so MariaDB uses it instead of adding its own; PostgreSQL needs it for the
-- cascade and for ending a mailbox's sessions.
CREATE TABLE mailbox_session (
  token_hash CHAR(64) NOT NULL,
  mailbox_id BIGINT NOT NULL,
  created_at TIMESTAMP(6) NOT NULL,
  expires_at TIMESTAMP(6) NOT NULL,
  PRIMARY KEY (token_hash)
);
CREATE INDEX ix_mailbox_session_mailbox ON mailbox_session (mailbox_id);
ALTER TABLE mailbox_session ADD CONSTRAINT fk_mailbox_session_mailbox
  FOREIGN KEY (mailbox_id) REFERENCES mailbox (id) ON DELETE CASCADE;
