-- Changes the mail containers must learn about, written in the transaction of the change and
-- delivered to every push target by the publisher (at least once, in id order).
CREATE TABLE outbox_event (
  id BIGINT NOT NULL AUTO_INCREMENT,
  kind VARCHAR(32) NOT NULL,
  event_key VARCHAR(320) NOT NULL,
  created_at DATETIME(6) NOT NULL,
  PRIMARY KEY (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

-- Delivery progress per configured target; the row is also the lock that makes one replica
-- deliver to a target at a time.
CREATE TABLE push_target_state (
  name VARCHAR(64) NOT NULL,
  last_event_id BIGINT NOT NULL,
  consecutive_failures INT NOT NULL,
  last_error VARCHAR(2000) NULL,
  last_attempt_at DATETIME(6) NULL,
  last_success_at DATETIME(6) NULL,
  next_attempt_at DATETIME(6) NULL,
  last_reconcile_at DATETIME(6) NULL,
  PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
