package io.mailplane.mailboxes;

/** The schemes mailplane hashes new passwords with. Every one is verified by Dovecot as stored. */
public enum PasswordScheme {
  /** Bare $2y$ bcrypt, what the seed's admin writes; Dovecot verifies it through crypt(3). */
  BCRYPT,
  /** {ARGON2ID}$argon2id$..., verified by Dovecot through libsodium. */
  ARGON2ID,
  /** {SHA512-CRYPT}$6$... */
  SHA512_CRYPT
}
