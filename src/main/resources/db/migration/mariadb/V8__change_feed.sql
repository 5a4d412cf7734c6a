-- Configuration revision and change feed (#7 items 5-6, docs/decisions.md).
-- One row, incremented under its row lock by every write transaction just before commit
-- (audit.Revisions): revisions are therefore handed out in commit order, without gaps, and a
-- reader polling "revision > last seen" can never miss a change that commits later with a
-- lower number.
CREATE TABLE config_revision (
  id TINYINT NOT NULL,
  revision BIGINT NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB;

ALTER TABLE audit_event ADD COLUMN revision BIGINT NULL;
-- History before this migration: its id order is the best order there is.
UPDATE audit_event SET revision = id;
ALTER TABLE audit_event MODIFY revision BIGINT NOT NULL;
CREATE UNIQUE INDEX ux_audit_revision ON audit_event (revision);
CREATE INDEX ix_audit_domain_revision ON audit_event (domain, revision);

INSERT INTO config_revision (id, revision) SELECT 1, COALESCE(MAX(revision), 0) FROM audit_event;
