-- PostgreSQL twin of mariadb-h2/V10_1__push_lease.sql (see there): a publisher's lease on a push
-- target, so no lock is held across the network call.
ALTER TABLE push_target_state ADD COLUMN lease_owner VARCHAR(64) COLLATE "C" NULL;
ALTER TABLE push_target_state ADD COLUMN lease_until TIMESTAMP(6) NULL;
