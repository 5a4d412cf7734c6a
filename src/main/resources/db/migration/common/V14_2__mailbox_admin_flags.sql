-- The seed's mail_users.admin / domain_admin flags (issue 15), carried by the import and settable
-- by admins. They grant no role yet (a later issue turns mailbox logins into roles).
ALTER TABLE mailbox ADD COLUMN admin BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE mailbox ADD COLUMN domain_admin BOOLEAN NOT NULL DEFAULT FALSE;
