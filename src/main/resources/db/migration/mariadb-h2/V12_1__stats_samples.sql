-- Samples of the mail stack's statistics (stats feature): one row per source per sample, the
-- daemon's cumulative counters as a small JSON document. Failed attempts are rows too (ok = false,
-- with the error), so the health a replica reports survives restarts and is the same everywhere.
-- Rows are thinned with age (every sample, then hourly, then daily) and deleted after the
-- retention (mailplane.stats.*).
CREATE TABLE stats_sample (
  id BIGINT NOT NULL AUTO_INCREMENT,
  source VARCHAR(16) NOT NULL,
  sampled_at DATETIME(6) NOT NULL,
  ok BOOLEAN NOT NULL,
  reachable BOOLEAN NOT NULL,
  latency_ms INT NULL,
  error VARCHAR(500) NULL,
  data TEXT NULL,
  PRIMARY KEY (id)
);
CREATE INDEX stats_sample_source_time ON stats_sample (source, sampled_at);
