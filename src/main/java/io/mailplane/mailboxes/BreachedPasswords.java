package io.mailplane.mailboxes;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Passwords known from breaches, which self-service changes refuse (as the seed's admin does with
 * its NotCompromisedPassword check, but offline: the list ships with mailplane, a larger one can be
 * configured by file, and no password or hash prefix ever leaves the host).
 */
@ApplicationScoped
public class BreachedPasswords {
  static final String BUILT_IN = "/passwords/common-passwords.txt";

  @Inject PasswordConfig config;

  private Set<String> known = Set.of();

  @PostConstruct
  void load() {
    Set<String> all = new HashSet<>();
    if (config.breachedListBuiltIn()) {
      try (InputStream in = BreachedPasswords.class.getResourceAsStream(BUILT_IN)) {
        if (in == null) {
          throw new IllegalStateException(BUILT_IN + " is missing from the build");
        }
        read(in, all);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    config
        .breachedListFile()
        .ifPresent(
            path -> {
              try (InputStream in = Files.newInputStream(path)) {
                read(in, all);
              } catch (IOException e) {
                throw new IllegalStateException(
                    "mailplane.passwords.breached-list-file " + path + " cannot be read", e);
              }
            });
    known = Set.copyOf(all);
  }

  private static void read(InputStream in, Set<String> into) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      String entry = line.strip();
      if (!entry.isEmpty()) {
        into.add(entry.toLowerCase(Locale.ROOT));
      }
    }
  }

  public boolean contains(String password) {
    return known.contains(password.toLowerCase(Locale.ROOT));
  }

  int size() {
    return known.size();
  }
}
