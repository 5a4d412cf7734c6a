package io.mailplane.config;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.mailplane.api.ApiException;
import io.mailplane.api.ProblemKind;
import io.mailplane.auth.Caller;
import io.mailplane.common.MailAddress;
import io.mailplane.config.ConfigDocument.MailboxEntry;
import io.mailplane.mailboxes.PasswordHasher;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeoutException;

/**
 * Turns the plaintext passwords of a document into hashes before its transaction starts. Hashing is
 * deliberately slow (a bcrypt or Argon2 hash takes a good part of a CPU second), so doing it inside
 * the transaction made a few hundred new mailboxes outlast the transaction timeout while holding
 * its locks. Here it runs on a pool as large as the machine has cores, shared by all requests, and
 * is bounded per document by mailplane.config.max-plaintext-passwords.
 *
 * <p>A password that is the mailbox's current one keeps the stored hash (the plan shows no change),
 * as the single-object API does; that check is as slow as hashing, so it runs here too, against the
 * hashes read in a short read-only transaction.
 */
@ApplicationScoped
class PlaintextPasswords {
  private static final int READ_CHUNK = 1000;

  @Inject PasswordHasher hasher;
  @Inject Caller caller;
  @Inject ConfigApiConfig config;
  @Inject EntityManager em;

  private final ExecutorService pool =
      Executors.newFixedThreadPool(
          Runtime.getRuntime().availableProcessors(),
          task -> {
            Thread thread = new Thread(task, "config-password-hash");
            thread.setDaemon(true);
            return thread;
          });

  void onStop(@Observes ShutdownEvent event) {
    pool.shutdownNow();
  }

  /**
   * The entries with every plaintext password the caller may set replaced by its hash, in the same
   * order. An entry the caller may not write, or one with both password and passwordHash, is left
   * as it is: the transaction refuses it exactly as before, and no CPU is spent on it.
   */
  Map<String, MailboxEntry> resolve(Map<String, MailboxEntry> entries) {
    List<String> keys = new ArrayList<>();
    entries.forEach(
        (key, entry) -> {
          if (entry.password() != null && entry.passwordHash() == null) {
            keys.add(key);
          }
        });
    if (keys.size() > config.maxPlaintextPasswords()) {
      throw new ApiException(
          ProblemKind.PAYLOAD_TOO_LARGE,
          "the document holds "
              + keys.size()
              + " plaintext passwords; at most "
              + config.maxPlaintextPasswords()
              + " are hashed per document (mailplane.config.max-plaintext-passwords), as each"
              + " costs a deliberately slow hash. Send passwordHash (a Dovecot hash, e.g. from"
              + " `doveadm pw -s BLF-CRYPT`) instead, or split the document");
    }
    keys.removeIf(key -> !caller.canWrite(MailAddress.domainOf(key)));
    if (keys.isEmpty()) {
      return entries;
    }
    Map<String, String> stored = storedHashes(keys);
    Map<String, CompletableFuture<String>> hashes = new LinkedHashMap<>();
    for (String key : keys) {
      String password = entries.get(key).password();
      String current = stored.get(key);
      hashes.put(
          key,
          CompletableFuture.supplyAsync(
              () ->
                  current != null && hasher.matches(password, current)
                      ? current
                      : hasher.hash(password, "password"),
              pool));
    }
    try {
      return replaced(entries, hashes);
    } finally {
      // After the first refused password the rest are of no use; queued ones never start.
      hashes.values().forEach(hash -> hash.cancel(false));
    }
  }

  private Map<String, MailboxEntry> replaced(
      Map<String, MailboxEntry> entries, Map<String, CompletableFuture<String>> hashes) {
    Map<String, MailboxEntry> resolved = new LinkedHashMap<>(entries);
    long deadline = System.nanoTime() + config.passwordHashTimeout().toNanos();
    for (Map.Entry<String, CompletableFuture<String>> hash : hashes.entrySet()) {
      String key = hash.getKey();
      String value;
      try {
        // Bounded: the pool is shared by all requests, and a request must not wait on it forever.
        value = hash.getValue().get(Math.max(0, deadline - System.nanoTime()), NANOSECONDS);
      } catch (TimeoutException e) {
        throw ApiException.unavailable(
            "hashing the document's "
                + hashes.size()
                + " plaintext passwords took longer than "
                + config.passwordHashTimeout().toSeconds()
                + " s (mailplane.config.password-hash-timeout; the hash workers are busy);"
                + " nothing was changed. Retry later, send passwordHash instead, or split the"
                + " document");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApiException.unavailable("interrupted while hashing passwords; nothing was changed");
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        value =
            ConfigService.at(
                "mailboxes[" + key + "]",
                () -> {
                  if (cause instanceof RuntimeException refused) {
                    throw refused;
                  }
                  throw new IllegalStateException("hashing a password failed", cause);
                });
      }
      MailboxEntry entry = entries.get(key);
      resolved.put(
          key,
          new MailboxEntry(
              entry.address(),
              entry.displayName(),
              value,
              null,
              entry.quotaMb(),
              entry.enabled(),
              entry.sendOnly(),
              entry.admin(),
              entry.domainAdmin()));
    }
    return resolved;
  }

  /** The current hashes of those addresses that exist, in one short read-only transaction. */
  private Map<String, String> storedHashes(List<String> addresses) {
    return QuarkusTransaction.requiringNew()
        .call(
            () -> {
              Map<String, String> stored = new HashMap<>();
              for (int i = 0; i < addresses.size(); i += READ_CHUNK) {
                List<Object[]> rows =
                    em.createQuery(
                            "select m.address, m.passwordHash from Mailbox m"
                                + " where m.address in :addresses",
                            Object[].class)
                        .setParameter(
                            "addresses",
                            addresses.subList(i, Math.min(addresses.size(), i + READ_CHUNK)))
                        .getResultList();
                for (Object[] row : rows) {
                  stored.put((String) row[0], (String) row[1]);
                }
              }
              return stored;
            });
  }
}
