-- PostgreSQL twin of mariadb/V8__change_feed.sql (see there): the configuration revision counter,
-- one row locked and incremented by every write transaction just before commit.
CREATE TABLE config_revision (
  id SMALLINT NOT NULL,
  revision BIGINT NOT NULL,
  PRIMARY KEY (id)
);

ALTER TABLE audit_event ADD COLUMN revision BIGINT NULL;
-- History before this migration: its id order is the best order there is.
UPDATE audit_event SET revision = id;
ALTER TABLE audit_event ALTER COLUMN revision SET NOT NULL;
CREATE UNIQUE INDEX ux_audit_revision ON audit_event (revision);
CREATE INDEX ix_audit_domain_revision ON audit_event (domain, revision);

INSERT INTO config_revision (id, revision) SELECT 1, COALESCE(MAX(revision), 0) FROM audit_event;
