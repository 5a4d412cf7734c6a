-- PostgreSQL twin of mariadb-h2/V9__fetchmail_gate.sql: the one row every fetchmail run claim locks
-- first, so two replicas never both take the last free slot of
-- mailplane.fetchmail.cluster-max-concurrent-runs.
CREATE TABLE fetchmail_gate (
  id SMALLINT NOT NULL,
  PRIMARY KEY (id)
);
INSERT INTO fetchmail_gate (id) VALUES (1);
