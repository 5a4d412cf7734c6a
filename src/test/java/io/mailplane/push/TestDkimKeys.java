package io.mailplane.push;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stands in for the dkim feature's DkimKeys until it exists; delete this file when it lands. Tests
 * put a domain's fields here, then record its DKIM event.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestDkimKeys implements DkimKeys {
  static final Map<String, Map<String, String>> KEYS = new ConcurrentHashMap<>();

  @Override
  public Map<String, String> signingKeys(String domain) {
    return KEYS.getOrDefault(domain, Map.of());
  }

  @Override
  public Map<String, String> allSigningKeys() {
    Map<String, String> all = new TreeMap<>();
    KEYS.values().forEach(all::putAll);
    return all;
  }
}
