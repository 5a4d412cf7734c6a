-- A small database as the seed's admin (jeboehm/mailserver-admin) leaves it: its three mail
-- tables plus fetchmail accounts, with the columns deploy/migrate/*.sql read (written for this
-- test, not the seed's DDL). Placeholders: @D1@, @D2_MIXED_CASE@ (domain names), @DKIM_KEY@ (PEM).
-- SeedMigrationTest creates these as TEMPORARY tables, which hide mailplane's views of the same
-- names for its one connection; by hand, load it into an empty database of its own.
CREATE TABLE mail_domains (
  id INT PRIMARY KEY,
  name VARCHAR(255) NOT NULL UNIQUE,
  dkim_enabled TINYINT(1) NOT NULL,
  dkim_selector VARCHAR(255) NOT NULL,
  dkim_private_key LONGTEXT NOT NULL
);
CREATE TABLE mail_users (
  id INT PRIMARY KEY,
  domain_id INT,
  name VARCHAR(255) NOT NULL,
  password VARCHAR(255) NOT NULL,
  admin TINYINT(1) NOT NULL DEFAULT 0,
  domain_admin TINYINT(1) NOT NULL DEFAULT 0,
  enabled TINYINT(1) NOT NULL,
  send_only TINYINT(1) NOT NULL,
  quota INT NOT NULL
);
CREATE TABLE mail_aliases (
  id INT AUTO_INCREMENT PRIMARY KEY,
  domain_id INT,
  name VARCHAR(255) NOT NULL,
  destination VARCHAR(255) NOT NULL
);
CREATE TABLE fetchmail_accounts (
  id INT AUTO_INCREMENT PRIMARY KEY,
  user_id INT,
  config_host VARCHAR(255) NOT NULL,
  config_protocol VARCHAR(50) NOT NULL,
  config_port SMALLINT NOT NULL,
  config_username VARCHAR(255) NOT NULL,
  config_password VARCHAR(255) NOT NULL,
  config_ssl TINYINT(1) NOT NULL,
  config_verify_ssl TINYINT(1) NOT NULL
);
INSERT INTO mail_domains (id, name, dkim_enabled, dkim_selector, dkim_private_key) VALUES
  (1, '@D1@', 1, 'dkim', '@DKIM_KEY@'),
  (2, '@D2_MIXED_CASE@', 0, 'dkim', '');
-- bcrypt (cost 10) of "seed password 1": what the seed's admin stores, a bare $2y$ hash.
INSERT INTO mail_users (id, domain_id, name, password, enabled, send_only, quota) VALUES
  (1, 1, 'john', '$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2', 1, 0, 2048),
  (2, 1, 'Noreply', '$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2', 1, 1, 0),
  (3, 2, 'old', '$2y$10$6vK7alYFqsM4f0iCOHrdaejZoVCIP5Ixhpge/.MmysxOdBQIlGNa2', 0, 0, 100);
INSERT INTO mail_aliases (domain_id, name, destination) VALUES
  (1, 'sales', 'john@@D1@'),
  (1, 'sales', 'someone@external.example'),
  (1, '', 'john@@D1@'),
  (2, 'info', 'john@@D1@');
INSERT INTO fetchmail_accounts (user_id, config_host, config_protocol, config_port,
  config_username, config_password, config_ssl, config_verify_ssl) VALUES
  (1, 'pop.provider.example', 'POP3', 995, 'john.remote', 'remote secret', 1, 1);
