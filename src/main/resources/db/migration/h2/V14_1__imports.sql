-- Twin of mariadb/V14_1__imports.sql (see there).
CREATE TABLE import_job (
  id BIGINT NOT NULL AUTO_INCREMENT,
  state VARCHAR(16) NOT NULL,
  dry_run BOOLEAN NOT NULL,
  source VARCHAR(1000) NOT NULL,
  options_json VARCHAR(2000) NOT NULL,
  created_by VARCHAR(64) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  heartbeat_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  counts_json LONGTEXT NULL,
  failure VARCHAR(2000) NULL,
  version BIGINT NOT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX ix_import_job_state ON import_job (state);

CREATE TABLE import_item (
  id BIGINT NOT NULL AUTO_INCREMENT,
  job_id BIGINT NOT NULL,
  kind VARCHAR(16) NOT NULL,
  object_key VARCHAR(1000) NOT NULL,
  seed_row VARCHAR(64) NULL,
  action VARCHAR(16) NOT NULL,
  outcome VARCHAR(16) NOT NULL,
  reason VARCHAR(2000) NULL,
  fields_json LONGTEXT NULL,
  problem_json LONGTEXT NULL,
  PRIMARY KEY (id),
  CONSTRAINT fk_import_item_job FOREIGN KEY (job_id) REFERENCES import_job (id) ON DELETE CASCADE
);
CREATE INDEX ix_import_item_job ON import_item (job_id, id);

CREATE TABLE import_state (
  kind VARCHAR(16) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  object_key VARCHAR(1000) NOT NULL,
  seed_json LONGTEXT NOT NULL,
  mine_json LONGTEXT NOT NULL,
  mine_version BIGINT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (kind, key_hash)
);
