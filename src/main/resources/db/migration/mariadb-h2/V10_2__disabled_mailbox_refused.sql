-- A disabled mailbox is refused at RCPT by the seed's unchanged Postfix queries, directly and
-- through an alias domain, and never falls through to its domain's catch-all (issue 12, item 1).
-- The seed refuses a recipient only through recipient-access (CASE WHEN send_only THEN 'REJECT'),
-- so mail_users reports a disabled mailbox as send_only; its passdb already ignores send_only for
-- a disabled row. An enabled alias on the disabled mailbox's own address is an explicit forward
-- and keeps the address open. Alias domains get a mail_users row for each such refused mailbox
-- (enabled = FALSE, no password: nobody can log in with it), so recipient-access answers REJECT
-- for x@alias too, and mail_aliases maps x@alias to the disabled x@target instead of leaving
-- x@alias to the catch-all.
CREATE OR REPLACE VIEW mail_users AS
  SELECT m.id AS id, m.domain_id AS domain_id, m.local_part AS name, m.password_hash AS password,
         m.enabled AS enabled,
         CASE WHEN m.send_only = TRUE
                OR (m.enabled = FALSE
                    AND NOT EXISTS (SELECT 1 FROM alias a
                                     WHERE a.address = m.address AND a.enabled = TRUE))
              THEN TRUE ELSE FALSE END AS send_only,
         m.quota_mb AS quota
    FROM mailbox m
    JOIN domain d ON d.id = m.domain_id
   WHERE d.enabled = TRUE
  UNION ALL
  SELECT m.id AS id, -ad.id AS domain_id, m.local_part AS name, NULL AS password,
         FALSE AS enabled, TRUE AS send_only, m.quota_mb AS quota
    FROM alias_domain ad
    JOIN domain t ON t.id = ad.target_domain_id
    JOIN mailbox m ON m.domain_id = t.id
   WHERE ad.enabled = TRUE AND t.enabled = TRUE
     AND (m.send_only = TRUE
          OR (m.enabled = FALSE
              AND NOT EXISTS (SELECT 1 FROM alias a
                               WHERE a.address = m.address AND a.enabled = TRUE)));

-- id is only unique among the rows of one kind; the seed never reads it.
CREATE OR REPLACE VIEW mail_aliases AS
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
   WHERE ad.enabled = TRUE AND t.enabled = TRUE;
