-- mailplane: the seed admin's DKIM keys, one JSON object per line, for
-- PUT /api/v1/domains/{domain}/dkim with {"selector": …, "privateKey": …} (the key is imported,
-- so the DNS record published for the seed stays valid). Run against the SEED's database:
--   mysql -N -B --raw -h db -u root -p mailserver < deploy/migrate/seed-dkim.sql
SELECT JSON_OBJECT(
  'domain', LOWER(name),
  'body', JSON_OBJECT('selector', dkim_selector, 'privateKey', dkim_private_key))
FROM mail_domains
WHERE dkim_enabled <> 0 AND dkim_private_key <> '';
