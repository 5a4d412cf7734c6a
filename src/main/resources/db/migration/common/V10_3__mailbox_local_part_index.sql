-- The seed's Dovecot passdb/userdb and Postfix recipient-access and virtual-mailbox-maps queries
-- filter on mail_users.name. mail_users is a UNION view, so MariaDB materializes it and pushes the
-- condition into each branch as mailbox.local_part = ?; without an index that leads with
-- local_part it walks every domain or every mailbox for one login (issue 12 review, item 3;
-- EXPLAIN in docs/benchmarks.md).
CREATE INDEX ix_mailbox_local_part ON mailbox (local_part);
