-- Twin of mariadb/V8__change_feed.sql (see there).
CREATE TABLE config_revision (
  id TINYINT NOT NULL,
  revision BIGINT NOT NULL,
  PRIMARY KEY (id)
);

ALTER TABLE audit_event ADD COLUMN revision BIGINT NULL;
UPDATE audit_event SET revision = id;
ALTER TABLE audit_event ALTER COLUMN revision SET NOT NULL;
CREATE UNIQUE INDEX ux_audit_revision ON audit_event (revision);
CREATE INDEX ix_audit_domain_revision ON audit_event (domain, revision);

INSERT INTO config_revision (id, revision) SELECT 1, COALESCE(MAX(revision), 0) FROM audit_event;
