-- DKIM per domain: one row while signing is enabled (its version is the resource's ETag), and the
-- domain's keys. Exactly one key is 'active' (signs; pushed to Rspamd's Redis hash); 'retiring'
-- keys stay in the DNS output until retire_at, then a job deletes them.
CREATE TABLE dkim_domain (
  domain_id BIGINT NOT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (domain_id),
  CONSTRAINT fk_dkim_domain_domain FOREIGN KEY (domain_id) REFERENCES domain (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE dkim_key (
  id BIGINT NOT NULL AUTO_INCREMENT,
  domain_id BIGINT NOT NULL,
  selector VARCHAR(63) NOT NULL,
  algorithm VARCHAR(16) NOT NULL,
  key_bits INT NOT NULL,
  -- the DNS p= value (base64): public, stored in clear
  public_key VARCHAR(1000) NOT NULL,
  -- PKCS#8 DER, AES-256-GCM encrypted (crypto.SecretCipher text form, names its key id)
  private_key_enc VARCHAR(8000) NOT NULL,
  status VARCHAR(16) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  retire_at DATETIME(6) NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_dkim_key_selector (domain_id, selector),
  KEY ix_dkim_key_retire (status, retire_at),
  CONSTRAINT fk_dkim_key_domain FOREIGN KEY (domain_id) REFERENCES domain (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
