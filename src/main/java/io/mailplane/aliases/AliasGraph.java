package io.mailplane.aliases;

import io.mailplane.common.MailAddress;
import io.mailplane.domains.Domain;
import io.mailplane.mailboxes.Mailbox;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Follows destinations the way Postfix's virtual alias expansion would (alias, then mailbox, then
 * alias domain rewrite, then catch-all) to find whether a change makes mail circle back.
 */
final class AliasGraph {
  /** Postfix gives up at 1000 expansions; a graph larger than this is refused as well. */
  private static final int MAX_NODES = 10_000;

  private AliasGraph() {}

  /** True when following destinations from self leads back to self. */
  static boolean loopsBack(MailAddress self, List<String> destinations) {
    String selfKey = self.toString();
    Set<String> visited = new HashSet<>();
    Deque<String> pending = new ArrayDeque<>(destinations);
    while (!pending.isEmpty()) {
      String next = pending.pop();
      if (next.equals(selfKey)) {
        return true;
      }
      if (!visited.add(next)) {
        continue;
      }
      if (visited.size() > MAX_NODES) {
        return true;
      }
      pending.addAll(expand(next));
    }
    return false;
  }

  /**
   * {@link #loopsBack} for many new aliases at once, as if all of them existed (so a loop among
   * them is found too): the graph is expanded breadth-first for all of them together, one round of
   * four IN queries per level of depth instead of up to four queries per address.
   *
   * @param added the new aliases: address → destinations (without the address itself)
   * @return the first alias (in the map's order) whose destinations lead back to it
   */
  static Optional<String> firstLoop(Map<String, List<String>> added) {
    Map<String, List<String>> known = new HashMap<>(added);
    Map<String, Set<String>> visited = new HashMap<>();
    Map<String, Deque<String>> pending = new HashMap<>();
    added.forEach(
        (self, destinations) -> {
          visited.put(self, new HashSet<>());
          pending.put(self, new ArrayDeque<>(destinations));
        });
    while (pending.values().stream().anyMatch(p -> !p.isEmpty())) {
      Set<String> unknown = new HashSet<>();
      pending
          .values()
          .forEach(p -> p.stream().filter(a -> !known.containsKey(a)).forEach(unknown::add));
      known.putAll(expandAll(unknown));
      for (String self : added.keySet()) {
        Deque<String> next = new ArrayDeque<>();
        for (String address : pending.get(self)) {
          if (address.equals(self) || visited.get(self).size() > MAX_NODES) {
            return Optional.of(self);
          }
          if (visited.get(self).add(address)) {
            next.addAll(known.get(address));
          }
        }
        pending.put(self, next);
      }
    }
    return Optional.empty();
  }

  /** {@link #expand} for many addresses, with one query per kind of node. */
  private static Map<String, List<String>> expandAll(Collection<String> addresses) {
    Map<String, List<String>> out = new HashMap<>();
    if (addresses.isEmpty()) {
      return out;
    }
    List<Object[]> aliasRows =
        Alias.getEntityManager()
            .createQuery(
                "select a.address, d from Alias a join a.destinations d where a.address in :a",
                Object[].class)
            .setParameter("a", addresses)
            .getResultList();
    for (Object[] row : aliasRows) {
      out.computeIfAbsent((String) row[0], k -> new ArrayList<>()).add((String) row[1]);
    }
    List<String> rest = new ArrayList<>();
    for (String address : addresses) {
      if (!out.containsKey(address)) {
        if (address.startsWith("@")) {
          out.put(address, List.of());
        } else {
          rest.add(address);
        }
      }
    }
    if (rest.isEmpty()) {
      return out;
    }
    Mailbox.getEntityManager()
        .createQuery("select m.address from Mailbox m where m.address in :a", String.class)
        .setParameter("a", rest)
        .getResultList()
        .forEach(m -> out.put(m, List.of()));
    rest.removeIf(out::containsKey);
    if (rest.isEmpty()) {
      return out;
    }
    Map<String, MailAddress> parsed = new HashMap<>();
    for (String address : rest) {
      parsed.put(address, MailAddress.parse(address, "destination", true));
    }
    Set<String> domainNames = new HashSet<>();
    parsed.values().forEach(a -> domainNames.add(a.domain()));
    Map<String, String> aliasDomains = new HashMap<>();
    AliasDomain.getEntityManager()
        .createQuery(
            "select ad.name, ad.target.name from AliasDomain ad where ad.name in :d",
            Object[].class)
        .setParameter("d", domainNames)
        .getResultList()
        .forEach(row -> aliasDomains.put((String) row[0], (String) row[1]));
    Set<String> hosted =
        new HashSet<>(
            Domain.getEntityManager()
                .createQuery("select d.name from Domain d where d.name in :d", String.class)
                .setParameter("d", domainNames)
                .getResultList());
    for (String address : rest) {
      MailAddress a = parsed.get(address);
      String target = aliasDomains.get(a.domain());
      if (target != null) {
        out.put(address, List.of(a.localPart() + "@" + target));
      } else if (hosted.contains(a.domain())) {
        out.put(address, List.of("@" + a.domain()));
      } else {
        out.put(address, List.of());
      }
    }
    return out;
  }

  /** One step of expansion: the addresses mail for this address goes on to. */
  private static List<String> expand(String address) {
    Alias alias = Alias.findByAddress(address);
    if (alias != null) {
      return alias.destinations;
    }
    if (address.startsWith("@") || Mailbox.findByAddress(address) != null) {
      return List.of();
    }
    MailAddress parsed = MailAddress.parse(address, "destination", true);
    AliasDomain aliasDomain = AliasDomain.findByName(parsed.domain());
    if (aliasDomain != null) {
      return List.of(parsed.localPart() + "@" + aliasDomain.target.name);
    }
    if (Domain.findByName(parsed.domain()) != null) {
      return List.of("@" + parsed.domain());
    }
    return List.of();
  }
}
