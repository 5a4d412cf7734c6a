-- Imports from the seed's admin database (issue 15, io.mailplane.imports). Source credentials are
-- never stored: a job keeps only the source URL without them.
-- import_job: one run (dry run = plan only); import_item: its per-object plan and outcome;
-- import_state: per object, the seed's value at the last import and mailplane's value right
-- after it, for the 3-way comparison of the next run (changes in the seed are carried, changes
-- made in mailplane since are never reverted). Secrets appear there only as salted hashes.
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
  PRIMARY KEY (id),
  KEY ix_import_job_state (state)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

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
  KEY ix_import_item_job (job_id, id),
  CONSTRAINT fk_import_item_job FOREIGN KEY (job_id) REFERENCES import_job (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE import_state (
  kind VARCHAR(16) NOT NULL,
  key_hash CHAR(64) NOT NULL,
  object_key VARCHAR(1000) NOT NULL,
  seed_json LONGTEXT NOT NULL,
  mine_json LONGTEXT NOT NULL,
  mine_version BIGINT NULL,
  updated_at DATETIME(6) NOT NULL,
  PRIMARY KEY (kind, key_hash)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
