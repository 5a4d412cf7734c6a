-- The metrics refresh (metrics/StateGauges) reads only the failing fetchmail accounts, every
-- refresh interval on every replica: without this index that is a scan of all accounts.
CREATE INDEX ix_fetchmail_account_failures ON fetchmail_account (consecutive_failures);
