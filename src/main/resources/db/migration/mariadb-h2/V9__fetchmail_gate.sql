-- The cluster-wide bound on concurrent fetchmail runs (mailplane.fetchmail.cluster-max-concurrent-
-- runs): every claim of a run locks this one row first, then counts the running runs, so two
-- replicas never both take the last free slot.
CREATE TABLE fetchmail_gate (
  id TINYINT NOT NULL,
  PRIMARY KEY (id)
);
INSERT INTO fetchmail_gate (id) VALUES (1);
