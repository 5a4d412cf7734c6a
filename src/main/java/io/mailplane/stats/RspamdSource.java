package io.mailplane.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Rspamd controller: /stat (scanned, spam, ham, actions taken), /actions (score thresholds) and
 * /counters (hits per symbol). Stored document:
 *
 * <pre>
 * {"version":"3.4","uptime":140,"scanned":3,"spam":0,"ham":3,"learned":0,"connections":3,
 *  "actions":{"no action":3,...},"thresholds":{"reject":15.0,"greylist":null,...},
 *  "symbols":[{"symbol":"R_DKIM_NA","hits":3,"weight":0.0,"frequency":1.0},...]}
 * </pre>
 */
final class RspamdSource implements StatsSource {
  private final Optional<String> url;
  private final Optional<String> password;
  private final int topSymbols;
  private final BoundedHttp http;
  private final ObjectMapper json;

  RspamdSource(StatsConfig.Rspamd config, int topSymbols, BoundedHttp http, ObjectMapper json) {
    this.url = config.url().filter(u -> !u.isBlank()).map(u -> u.replaceAll("/+$", ""));
    this.password = config.password().filter(p -> !p.isEmpty());
    this.topSymbols = topSymbols;
    this.http = http;
    this.json = json;
  }

  @Override
  public String name() {
    return "rspamd";
  }

  @Override
  public boolean configured() {
    return url.isPresent();
  }

  @Override
  public ObjectNode fetch() throws IOException, InterruptedException {
    JsonNode stat = get("/stat");
    if (!stat.isObject() || !stat.path("scanned").isIntegralNumber()) {
      throw new IOException("rspamd /stat is not the controller's statistics");
    }
    ObjectNode data = json.createObjectNode();
    data.put("version", stat.path("version").isTextual() ? stat.path("version").asText() : null);
    data.put("uptime", count(stat, "uptime"));
    for (String field : List.of("scanned", "spam_count", "ham_count", "learned", "connections")) {
      data.put(field.replace("_count", ""), count(stat, field));
    }
    ObjectNode actions = data.putObject("actions");
    Iterator<Map.Entry<String, JsonNode>> taken = stat.path("actions").fields();
    while (taken.hasNext()) {
      Map.Entry<String, JsonNode> action = taken.next();
      if (action.getValue().isIntegralNumber() && action.getKey().length() <= 64) {
        actions.put(action.getKey(), Math.max(0, action.getValue().asLong()));
      }
    }
    JsonNode thresholds = get("/actions");
    if (!thresholds.isArray()) {
      throw new IOException("rspamd /actions is not a list of actions");
    }
    ObjectNode scores = data.putObject("thresholds");
    for (JsonNode action : thresholds) {
      String name = action.path("action").asText("");
      if (!name.isEmpty() && name.length() <= 64) {
        JsonNode value = action.path("value");
        scores.put(name, value.isNumber() ? value.asDouble() : null);
      }
    }
    JsonNode counters = get("/counters");
    if (!counters.isArray()) {
      throw new IOException("rspamd /counters is not a list of symbols");
    }
    List<JsonNode> hit = new ArrayList<>();
    for (JsonNode symbol : counters) {
      if (symbol.path("symbol").isTextual() && symbol.path("hits").asLong(0) > 0) {
        hit.add(symbol);
      }
    }
    hit.sort(Comparator.comparingLong((JsonNode s) -> s.path("hits").asLong()).reversed());
    ArrayNode symbols = data.putArray("symbols");
    for (JsonNode symbol : hit.subList(0, Math.min(topSymbols, hit.size()))) {
      symbols
          .addObject()
          .put("symbol", symbol.path("symbol").asText())
          .put("hits", symbol.path("hits").asLong())
          .put("weight", symbol.path("weight").asDouble())
          .put("frequency", symbol.path("frequency").asDouble());
    }
    return data;
  }

  private static long count(JsonNode node, String field) {
    return Math.max(0, node.path(field).asLong(0));
  }

  private JsonNode get(String path) throws IOException, InterruptedException {
    HttpRequest.Builder request = http.request(URI.create(url.orElseThrow() + path)).GET();
    password.ifPresent(p -> request.header("Password", p));
    byte[] body = http.exchange(request.build(), "rspamd " + path);
    try {
      return json.readTree(body);
    } catch (JsonProcessingException e) {
      throw new IOException("rspamd " + path + " answered something that is not JSON");
    }
  }

  @Override
  public String redact(String message) {
    return password.map(p -> message.replace(p, "***")).orElse(message);
  }
}
