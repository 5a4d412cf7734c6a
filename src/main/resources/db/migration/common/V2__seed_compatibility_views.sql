-- The names and columns the seed's (jeboehm/docker-mailserver) Postfix and Dovecot queries use.
-- Disabled domains, and everything in them, are hidden. Alias domains appear in mail_domains and,
-- in mail_aliases, as a copy of every enabled mailbox and alias of their target domain, so the
-- seed's unchanged CONCAT(name,'@',domain) lookups resolve them.
CREATE VIEW mail_domains AS
  SELECT d.id AS id, d.name AS name
    FROM domain d
   WHERE d.enabled = TRUE
  UNION ALL
  SELECT -ad.id AS id, ad.name AS name
    FROM alias_domain ad
    JOIN domain t ON t.id = ad.target_domain_id
   WHERE ad.enabled = TRUE AND t.enabled = TRUE;

CREATE VIEW mail_users AS
  SELECT m.id AS id, m.domain_id AS domain_id, m.local_part AS name, m.password_hash AS password,
         m.enabled AS enabled, m.send_only AS send_only, m.quota_mb AS quota
    FROM mailbox m
    JOIN domain d ON d.id = m.domain_id
   WHERE d.enabled = TRUE;

-- id is only unique among the rows of one kind; the seed never reads it.
CREATE VIEW mail_aliases AS
  SELECT a.id AS id, a.domain_id AS domain_id, a.local_part AS name, dst.destination AS destination
    FROM alias a
    JOIN alias_destination dst ON dst.alias_id = a.id
    JOIN domain d ON d.id = a.domain_id
   WHERE a.enabled = TRUE AND d.enabled = TRUE
  UNION ALL
  SELECT a.id AS id, -ad.id AS domain_id, a.local_part AS name, dst.destination AS destination
    FROM alias_domain ad
    JOIN domain t ON t.id = ad.target_domain_id
    JOIN alias a ON a.domain_id = t.id
    JOIN alias_destination dst ON dst.alias_id = a.id
   WHERE ad.enabled = TRUE AND t.enabled = TRUE AND a.enabled = TRUE
  UNION ALL
  SELECT m.id AS id, -ad.id AS domain_id, m.local_part AS name, m.address AS destination
    FROM alias_domain ad
    JOIN domain t ON t.id = ad.target_domain_id
    JOIN mailbox m ON m.domain_id = t.id
   WHERE ad.enabled = TRUE AND t.enabled = TRUE AND m.enabled = TRUE;
