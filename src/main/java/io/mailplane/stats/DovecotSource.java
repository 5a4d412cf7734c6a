package io.mailplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Dovecot's statistics through the doveadm HTTP API (statsDump): the event count of every metric
 * Dovecot defines. Stored document: {"metrics":{"auth_successes":12,"auth_failures":1,...}}.
 */
final class DovecotSource implements StatsSource {
  /**
   * The metrics mailplane reports by name, with the filters it adds when Dovecot lacks them. The
   * seed's mda image defines auth_failures and mail_deliveries with these filters.
   */
  static final Map<String, String> METRICS =
      Map.of(
          "auth_successes", "event=auth_request_finished AND success=yes",
          "auth_failures", "event=auth_request_finished AND NOT success=yes",
          "mail_deliveries", "event=mail_delivery_finished");

  /** A Dovecot with many group_by sub-metrics must not make one sample unbounded. */
  static final int MAX_METRICS = 200;

  private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z0-9_.:-]{1,100}");

  private final Optional<String> url;
  private final Optional<String> apiKey;
  private final boolean defineMetrics;
  private final BoundedHttp http;
  private final ObjectMapper json;

  DovecotSource(StatsConfig.Dovecot config, BoundedHttp http, ObjectMapper json) {
    this.url = config.url().filter(u -> !u.isBlank());
    this.apiKey = config.apiKey().filter(k -> !k.isEmpty());
    this.defineMetrics = config.defineMetrics();
    this.http = http;
    this.json = json;
  }

  @Override
  public String name() {
    return "dovecot";
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public ObjectNode fetch() throws IOException, InterruptedException {
    Map<String, Long> metrics = dump();
    if (defineMetrics) {
      List<List<Object>> add = new ArrayList<>();
      METRICS.forEach(
          (name, filter) -> {
            if (!metrics.containsKey(name)) {
              add.add(
                  List.of(
                      "statsAdd",
                      Map.of(
                          "name", name,
                          "filter", filter,
                          "description", "added by mailplane (mailplane.stats.dovecot)"),
                      "add-" + name));
            }
          });
      if (!add.isEmpty()) {
        // Another replica may add the same metric at the same moment: its error is harmless, the
        // dump after it shows what Dovecot has.
        call(add);
        metrics.clear();
        metrics.putAll(dump());
      }
    }
    ObjectNode data = json.createObjectNode();
    ObjectNode counts = data.putObject("metrics");
    metrics.forEach(counts::put);
    return data;
  }

  private Map<String, Long> dump() throws IOException, InterruptedException {
    JsonNode answer = call(List.of(List.of("statsDump", Map.of(), "dump")));
    JsonNode reply = answer.path(0);
    if (reply.path(0).asText().equals("error")) {
      throw new IOException(
          "doveadm statsDump failed: " + reply.path(1).path("type").asText("unknown error"));
    }
    if (!reply.path(0).asText().equals("doveadmResponse") || !reply.path(1).isArray()) {
      throw new IOException("doveadm answered something that is not a statsDump response");
    }
    Map<String, Long> metrics = new LinkedHashMap<>();
    for (JsonNode metric : reply.path(1)) {
      String name = metric.path("metric_name").asText("");
      JsonNode count = metric.path("count");
      if (!METRIC_NAME.matcher(name).matches() || !count.isIntegralNumber()) {
        continue;
      }
      if (metrics.size() >= MAX_METRICS && !metrics.containsKey(name)) {
        break;
      }
      // A metric with several fields has one row per field, all with the same count.
      metrics.putIfAbsent(name, Math.max(0, count.asLong()));
    }
    return metrics;
  }

  private JsonNode call(List<List<Object>> commands) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        http.request(URI.create(url.orElseThrow()))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(json.writeValueAsBytes(commands)));
    apiKey.ifPresent(
        key ->
            request.header(
                "Authorization",
                "X-Dovecot-API "
                    + Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8))));
    byte[] body = http.exchange(request.build(), "doveadm");
    try {
      JsonNode answer = json.readTree(body);
      if (answer == null || !answer.isArray()) {
        throw new IOException("doveadm answered something that is not a doveadm response");
      }
      return answer;
    } catch (JsonProcessingException e) {
      throw new IOException("doveadm answered something that is not JSON");
    }
  }

  @Override
  public String redact(String message) {
    String redacted = message;
    if (apiKey.isPresent()) {
      String key = apiKey.get();
      redacted =
          redacted
              .replace(key, "***")
              .replace(
                  Base64.getEncoder().encodeToString(key.getBytes(StandardCharsets.UTF_8)), "***");
    }
    return redacted;
  }
}
