-- mailplane: reads the seed admin's database (jeboehm/mailserver-admin: mail_domains,
-- mail_users, mail_aliases) and prints ONE mailplane configuration document (JSON) for
-- POST /api/v1/config:plan and :apply. Run it against the SEED's database, not mailplane's:
--   mysql -N -B --raw -h db -u root -p mailserver < deploy/migrate/seed-config.sql > seed.json
-- (deploy/migrate/seed-import.sh does that and the API calls.) MySQL 8 and MariaDB >= 10.5.
--
-- Mapping: domain name -> domains[] (lowercased; enabled, no limits: the seed has none);
-- mail_users -> mailboxes[] (address = name@domain, passwordHash = the seed's bare bcrypt,
-- which Dovecot verifies through crypt(3); quota MB -> quotaMb, 0 = unlimited in both; enabled,
-- sendOnly); mail_aliases rows (one per destination) -> aliases[] with all destinations of
-- (domain, name); name '' (the seed's catch-all) -> address '@domain'.
-- DKIM keys are not part of config documents (they never carry private keys): seed-dkim.sql.
-- The seed's admin/domain_admin flags have no mailplane equivalent (mailplane uses API tokens).
SET SESSION group_concat_max_len = 1073741824;

SELECT CONCAT(
  '{"domains":',
  COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT('name', LOWER(d.name), 'enabled', TRUE))
            FROM mail_domains d), '[]'),
  ',"mailboxes":',
  COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT(
              'address', LOWER(CONCAT(u.name, '@', d.name)),
              'passwordHash', u.password,
              'quotaMb', u.quota,
              'enabled', u.enabled <> 0,
              'sendOnly', u.send_only <> 0))
            FROM mail_users u JOIN mail_domains d ON d.id = u.domain_id), '[]'),
  ',"aliases":',
  COALESCE((SELECT JSON_ARRAYAGG(JSON_OBJECT(
              'address', a.address,
              'destinations', JSON_EXTRACT(a.destinations, '$')))
            FROM (SELECT LOWER(CONCAT(al.name, '@', d.name)) AS address,
                         JSON_ARRAYAGG(LOWER(al.destination)) AS destinations
                  FROM mail_aliases al JOIN mail_domains d ON d.id = al.domain_id
                  GROUP BY LOWER(CONCAT(al.name, '@', d.name))) a), '[]'),
  '}') AS document;
