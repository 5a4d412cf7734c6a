package io.mailplane.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Limits of the declarative configuration endpoints (/api/v1/config). */
@ConfigMapping(prefix = "mailplane.config")
public interface ConfigApiConfig {
  /**
   * Most entries one document may hold, over all sections; more is a 413. The body is bounded by
   * maxBodyBytes, sized so that a document of this many entries fits.
   */
  @WithDefault("20000")
  int maxEntries();

  /**
   * Largest :plan/:apply body (instead of mailplane.api.max-body-bytes, which is far too small for
   * a whole configuration): 16 MiB is 838 bytes per entry at the default maxEntries, while the
   * pretty-printed export of a mailbox with every field set is about 300. quarkus.http.limits
   * .max-body-size must stay above it (the application refuses to start otherwise).
   */
  @WithDefault("16777216")
  long maxBodyBytes();

  /**
   * Most plaintext mailbox passwords one document may hold; more is a 413 that suggests
   * passwordHash. Each costs one deliberately slow hash (or the check against the current hash),
   * run before the transaction on as many threads as there are cores.
   */
  @WithDefault("1000")
  int maxPlaintextPasswords();

  /**
   * Longest a plan or apply waits for its plaintext passwords to be hashed (on the shared hash
   * workers, before its transaction); past it the request gets 503 and nothing is changed. Sized
   * for max-plaintext-passwords slow hashes on a small, loaded machine (400 bcrypt hashes were
   * measured at up to 270 s on a 2-core machine under heavy load).
   */
  @WithDefault("10m")
  Duration passwordHashTimeout();

  /** Transaction timeout of a plan or apply with no entries; see transactionTimeoutPerEntry. */
  @WithDefault("60s")
  Duration transactionTimeout();

  /**
   * Added to transactionTimeout for each entry of the document, so large documents can finish. An
   * entry costs a few statements: 12–22 ms each were measured on a loaded 2-core machine (load
   * 15–22), where 10 ms let 5,000 new mailboxes run out of time (docs/benchmarks.md).
   */
  @WithDefault("50ms")
  Duration transactionTimeoutPerEntry();

  /**
   * Largest :apply body sent with {@code Prefer: respond-async}, which runs as a job (see
   * jobChunkEntries): the body is streamed to a temporary file, never held in memory, so this
   * bounds disk, not heap. 512 MiB holds a million mailboxes and a million aliases as an export
   * shows them (about 120 MB per million mailboxes). quarkus.http.limits.max-body-size must stay
   * above it.
   */
  @WithDefault("536870912")
  long jobMaxBodyBytes();

  /**
   * Most entries a job's document may hold, over all sections; more is refused. The job keeps a
   * 16-byte hash of each entry's key (duplicates, prune) in an open-addressing table of 20-byte
   * slots, 1.3 to 2.7 slots per key: 42 MB of heap for a million keys.
   */
  @WithDefault("2000000")
  int jobMaxEntries();

  /**
   * Entries a job applies per transaction: each chunk holds entries of one section and is applied
   * as a document of its own (its own revision, audit, feed and outbox events). At most maxEntries.
   */
  @WithDefault("1000")
  int jobChunkEntries();

  /** How long a finished job's status stays readable. */
  @WithDefault("1h")
  Duration jobRetention();

  /**
   * Objects GET /api/v1/config reads per query while it streams the document; the persistence
   * context is emptied after each page, so memory follows this, not the installation.
   */
  @WithDefault("1000")
  int exportPageSize();

  /**
   * Longest an export's read-only transaction (its one snapshot) may stay open, streaming to a slow
   * client included; past it the transaction is rolled back and the response is cut. 1M mailboxes
   * and 1M aliases (390–470 MB) exported in 3–7 minutes on a 2-core machine at load 27
   * (docs/benchmarks.md).
   */
  @WithDefault("30m")
  Duration exportTimeout();
}
