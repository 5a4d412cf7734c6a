package io.mailplane.stats;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * One attempt to read a source: its counters when it answered, or why it did not.
 *
 * @param reachable false when the source could not be reached or did not answer in time
 * @param data the source's document (see RspamdSource, DovecotSource); null when not ok
 */
record Sample(
    String source,
    Instant at,
    boolean ok,
    boolean reachable,
    Integer latencyMs,
    String error,
    JsonNode data) {}
