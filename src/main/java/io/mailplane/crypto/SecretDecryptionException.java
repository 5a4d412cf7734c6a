package io.mailplane.crypto;

/** A stored secret cannot be opened: wrong or missing key, or tampered data. */
public class SecretDecryptionException extends RuntimeException {
  public SecretDecryptionException(String message) {
    super(message);
  }
}
