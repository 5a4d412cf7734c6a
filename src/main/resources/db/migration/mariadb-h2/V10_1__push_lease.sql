-- One publisher at a time per target, without a lock held across the network call: a publisher
-- claims the row by writing its token and an expiry, delivers with no connection held, and
-- records the result in a new short transaction. A replica that dies loses the lease when it
-- expires. Versioned 10.1 so it sorts after any V10 another change adds.
ALTER TABLE push_target_state ADD COLUMN lease_owner VARCHAR(64) NULL;
ALTER TABLE push_target_state ADD COLUMN lease_until DATETIME(6) NULL;
