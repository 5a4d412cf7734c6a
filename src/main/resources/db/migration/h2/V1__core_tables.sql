-- H2 (dev profile) twin of db/migration/mariadb/V1__core_tables.sql: same tables, no engine options.
-- mailplane's own normalized tables. Keys are stored lowercase in `name`/`address` columns with
-- unique indexes, so every lookup the mail daemons make is an index lookup.
CREATE TABLE domain (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(253) NOT NULL,
  description VARCHAR(1000) NULL,
  enabled BOOLEAN NOT NULL,
  max_mailboxes INT NULL,
  max_aliases INT NULL,
  max_quota_mb BIGINT NULL,
  default_quota_mb BIGINT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_domain_name (name)
);

CREATE TABLE alias_domain (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(253) NOT NULL,
  target_domain_id BIGINT NOT NULL,
  description VARCHAR(1000) NULL,
  enabled BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_alias_domain_name (name),
  KEY ix_alias_domain_target (target_domain_id, name),
  CONSTRAINT fk_alias_domain_target FOREIGN KEY (target_domain_id) REFERENCES domain (id)
);

CREATE TABLE mailbox (
  id BIGINT NOT NULL AUTO_INCREMENT,
  domain_id BIGINT NOT NULL,
  local_part VARCHAR(64) NOT NULL,
  address VARCHAR(320) NOT NULL,
  display_name VARCHAR(255) NULL,
  password_hash VARCHAR(1024) NOT NULL,
  quota_mb BIGINT NOT NULL,
  enabled BOOLEAN NOT NULL,
  send_only BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_mailbox_address (address),
  UNIQUE KEY uk_mailbox_domain_local (domain_id, local_part),
  KEY ix_mailbox_domain_address (domain_id, address),
  CONSTRAINT fk_mailbox_domain FOREIGN KEY (domain_id) REFERENCES domain (id)
);

CREATE TABLE alias (
  id BIGINT NOT NULL AUTO_INCREMENT,
  domain_id BIGINT NOT NULL,
  local_part VARCHAR(64) NOT NULL,
  address VARCHAR(320) NOT NULL,
  description VARCHAR(1000) NULL,
  enabled BOOLEAN NOT NULL,
  version BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_alias_address (address),
  UNIQUE KEY uk_alias_domain_local (domain_id, local_part),
  KEY ix_alias_domain_address (domain_id, address),
  CONSTRAINT fk_alias_domain FOREIGN KEY (domain_id) REFERENCES domain (id)
);

CREATE TABLE alias_destination (
  alias_id BIGINT NOT NULL,
  position INT NOT NULL,
  destination VARCHAR(320) NOT NULL,
  PRIMARY KEY (alias_id, position),
  KEY ix_alias_destination_destination (destination),
  CONSTRAINT fk_alias_destination_alias FOREIGN KEY (alias_id) REFERENCES alias (id) ON DELETE CASCADE
);

CREATE TABLE api_token (
  id BIGINT NOT NULL AUTO_INCREMENT,
  name VARCHAR(100) NOT NULL,
  token_hash CHAR(64) NOT NULL,
  scopes VARCHAR(4000) NOT NULL,
  expires_at DATETIME(6) NULL,
  last_used_at DATETIME(6) NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id),
  UNIQUE KEY uk_api_token_hash (token_hash)
);

CREATE TABLE audit_event (
  id BIGINT NOT NULL AUTO_INCREMENT,
  occurred_at DATETIME(6) NOT NULL,
  actor VARCHAR(64) NOT NULL,
  action VARCHAR(64) NOT NULL,
  resource_type VARCHAR(32) NOT NULL,
  resource_key VARCHAR(320) NOT NULL,
  domain VARCHAR(253) NULL,
  before_json LONGTEXT NULL,
  after_json LONGTEXT NULL,
  PRIMARY KEY (id),
  KEY ix_audit_domain (domain, id),
  KEY ix_audit_resource (resource_type, resource_key, id),
  KEY ix_audit_occurred (occurred_at)
);
