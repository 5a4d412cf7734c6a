-- mailplane: the seed admin's fetchmail accounts, one JSON object per line, for
-- POST /api/v1/fetchmail-accounts (the fetchmail feature). Run against the SEED's
-- database. config_ssl -> tls "tls" (implicit TLS, what the seed's fetchmailmgr used) or "none";
-- the password is the seed's plaintext one (mailplane stores it encrypted).
SELECT JSON_OBJECT(
  'mailbox', LOWER(CONCAT(u.name, '@', d.name)),
  'host', f.config_host,
  'port', f.config_port,
  'protocol', LOWER(f.config_protocol),
  'username', f.config_username,
  'password', f.config_password,
  'tls', IF(f.config_ssl <> 0, 'tls', 'none'),
  'verifyCertificate', f.config_verify_ssl <> 0)
FROM fetchmail_accounts f
JOIN mail_users u ON u.id = f.user_id
JOIN mail_domains d ON d.id = u.domain_id;
