package io.mailplane.stats;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/** One daemon whose statistics are sampled; its answer is stored as one compact JSON document. */
interface StatsSource {
  /** rspamd or dovecot: the stored rows' source and the API path segment. */
  String name();

  /** False when no URL is configured: the source is then not sampled. */
  boolean configured();

  /** Reads the daemon's statistics now; never longer than the configured timeout per request. */
  ObjectNode fetch() throws IOException, InterruptedException;

  /** The error message with any secret of this source replaced. */
  String redact(String message);
}
