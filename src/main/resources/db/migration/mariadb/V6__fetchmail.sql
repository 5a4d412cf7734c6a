-- Fetchmail accounts (issue #6): a remote POP3/IMAP mailbox whose mail mailplane fetches into a
-- local mailbox with the real fetchmail binary. The remote password is a crypto.SecretCipher
-- ciphertext; id_state is fetchmail's UIDL/id file, kept here so that any replica's next run
-- knows what an earlier run (on another replica) already fetched.
CREATE TABLE fetchmail_account (
  id BIGINT NOT NULL AUTO_INCREMENT,
  mailbox_id BIGINT NOT NULL,
  host VARCHAR(253) NOT NULL,
  port INT NOT NULL,
  protocol VARCHAR(8) NOT NULL,
  username VARCHAR(320) NOT NULL,
  password_enc VARCHAR(4096) NOT NULL,
  tls_mode VARCHAR(8) NOT NULL,
  verify_certificate BOOLEAN NOT NULL,
  folders VARCHAR(8000) NULL,
  keep_mail BOOLEAN NOT NULL,
  fetch_all BOOLEAN NOT NULL,
  interval_seconds INT NOT NULL,
  enabled BOOLEAN NOT NULL,
  disabled_reason VARCHAR(500) NULL,
  consecutive_failures INT NOT NULL,
  consecutive_auth_failures INT NOT NULL,
  last_run_id BIGINT NULL,
  id_state LONGTEXT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  KEY ix_fetchmail_account_mailbox (mailbox_id),
  CONSTRAINT fk_fetchmail_account_mailbox FOREIGN KEY (mailbox_id) REFERENCES mailbox (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- One row per run. active_account_id holds the account id while the run is queued or running and
-- is NULL afterwards: its unique key is what keeps two runs of one account from overlapping,
-- whichever replica starts them.
CREATE TABLE fetchmail_run (
  id BIGINT NOT NULL AUTO_INCREMENT,
  account_id BIGINT NOT NULL,
  active_account_id BIGINT NULL,
  trigger_kind VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  outcome VARCHAR(16) NULL,
  exit_code INT NULL,
  messages INT NULL,
  instance VARCHAR(200) NULL,
  queued_at DATETIME(6) NOT NULL,
  started_at DATETIME(6) NULL,
  finished_at DATETIME(6) NULL,
  log_tail VARCHAR(8000) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_fetchmail_run_active (active_account_id),
  KEY ix_fetchmail_run_account (account_id, id),
  CONSTRAINT fk_fetchmail_run_account FOREIGN KEY (account_id) REFERENCES fetchmail_account (id)
    ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
