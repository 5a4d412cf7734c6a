-- ACME certificates. A certificate row is the desired state (names, issuer, challenge, key type)
-- plus what is installed now; orders are the attempts to get it, advanced step by step by a job
-- so that no request thread waits on the CA and a restart resumes where it stopped.
CREATE TABLE acme_account (
  id BIGINT NOT NULL AUTO_INCREMENT,
  -- sha256 of directory URL, contact and EAB key id: one account per issuer identity
  identity_hash CHAR(64) NOT NULL,
  directory_url VARCHAR(500) NOT NULL,
  contact_email VARCHAR(320) NULL,
  eab_kid VARCHAR(255) NULL,
  -- PEM key pair, AES-256-GCM encrypted (crypto.SecretCipher text form)
  key_pair_enc LONGTEXT NOT NULL,
  account_url VARCHAR(500) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_acme_account_identity (identity_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE certificate (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(63) NOT NULL,
  -- the SANs, lowercase A-labels, comma-separated, first one is the subject
  domains LONGTEXT NOT NULL,
  is_primary BOOLEAN NOT NULL,
  challenge VARCHAR(16) NOT NULL,
  key_type VARCHAR(16) NOT NULL,
  directory_url VARCHAR(500) NOT NULL,
  contact_email VARCHAR(320) NULL,
  terms_agreed BOOLEAN NOT NULL,
  eab_kid VARCHAR(255) NULL,
  eab_hmac_enc VARCHAR(1000) NULL,
  status VARCHAR(16) NOT NULL,
  not_before DATETIME(6) NULL,
  not_after DATETIME(6) NULL,
  serial VARCHAR(80) NULL,
  fingerprint_sha256 CHAR(64) NULL,
  issuer_dn VARCHAR(1000) NULL,
  certificate_url VARCHAR(500) NULL,
  renew_at DATETIME(6) NULL,
  renewal_source VARCHAR(16) NULL,
  ari_checked_at DATETIME(6) NULL,
  -- the CA's problem document (or ours, same shape) of the last failed order, as JSON
  last_error LONGTEXT NULL,
  failures INT NOT NULL,
  current_order_id BIGINT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_certificate_name (name),
  KEY ix_certificate_renew (renew_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE acme_order (
  id BIGINT NOT NULL AUTO_INCREMENT,
  certificate_id BIGINT NOT NULL,
  reason VARCHAR(16) NOT NULL,
  status VARCHAR(16) NOT NULL,
  -- snapshot of what was ordered, so a later change of the certificate cannot mix into it
  domains LONGTEXT NOT NULL,
  challenge VARCHAR(16) NOT NULL,
  key_type VARCHAR(16) NOT NULL,
  account_id BIGINT NULL,
  order_url VARCHAR(500) NULL,
  -- the certificate's key, made before the order so a resumed order finalizes with the same CSR
  key_pair_enc LONGTEXT NULL,
  next_attempt_at DATETIME(6) NOT NULL,
  attempts INT NOT NULL,
  -- JSON array of {at, step, detail}
  timeline LONGTEXT NOT NULL,
  error LONGTEXT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (id),
  KEY ix_acme_order_due (status, next_attempt_at),
  KEY ix_acme_order_certificate (certificate_id, id),
  CONSTRAINT fk_acme_order_certificate FOREIGN KEY (certificate_id) REFERENCES certificate (id) ON DELETE CASCADE,
  CONSTRAINT fk_acme_order_account FOREIGN KEY (account_id) REFERENCES acme_account (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Live challenges: HTTP-01 tokens any replica answers, DNS-01 records to remove afterwards.
CREATE TABLE acme_challenge (
  id BIGINT NOT NULL AUTO_INCREMENT,
  order_id BIGINT NOT NULL,
  type VARCHAR(16) NOT NULL,
  domain VARCHAR(253) NOT NULL,
  challenge_url VARCHAR(500) NOT NULL,
  token VARCHAR(255) NULL,
  key_authorization VARCHAR(500) NULL,
  dns_name VARCHAR(300) NULL,
  dns_value VARCHAR(100) NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_acme_challenge_token (token),
  KEY ix_acme_challenge_order (order_id),
  CONSTRAINT fk_acme_challenge_order FOREIGN KEY (order_id) REFERENCES acme_order (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
