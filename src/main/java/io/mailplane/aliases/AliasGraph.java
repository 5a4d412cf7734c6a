package io.mailplane.aliases;

import io.mailplane.common.MailAddress;
import io.mailplane.domains.Domain;
import io.mailplane.mailboxes.Mailbox;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
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
