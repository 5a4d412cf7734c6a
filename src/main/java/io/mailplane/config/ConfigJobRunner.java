package io.mailplane.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.mailplane.api.ApiException;
import io.mailplane.api.Precondition;
import io.mailplane.api.Problem;
import io.mailplane.api.ProblemKind;
import io.mailplane.api.ProblemMapper;
import io.mailplane.auth.Caller;
import io.mailplane.config.ConfigDocument.MailboxEntry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.ActivateRequestContext;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Carries out one config:apply job on the jobs' worker thread, as the caller that sent it.
 *
 * <p>First the whole document is validated in one streamed pass, entry by entry, with the checks of
 * the synchronous apply (binding, key, repeated key, the entry's own rules, the plaintext password
 * limit) and the same answers: a bad entry anywhere fails the job before anything is changed. Only
 * the keys are kept (as {@link KeyHashes}), so the heap does not grow with the entries.
 *
 * <p>Then it is applied as the synchronous apply would, but in chunks: prune's deletes first, from
 * the highest rank down, then each present section from the lowest rank up, a chunk of at most
 * mailplane.config.job-chunk-entries entries of one section at a time, each through {@link
 * ConfigService} in a transaction of its own (its own revision, audit, feed and outbox events). A
 * chunk that fails fails the job; the chunks before it stay applied.
 */
@ApplicationScoped
class ConfigJobRunner {
  private static final Logger LOG = Logger.getLogger(ConfigJobRunner.class);

  /** Keys per page when prune looks for what the document leaves out (as ConfigService). */
  private static final int KEY_PAGE = 1000;

  @Inject Caller caller;
  @Inject ConfigService service;
  @Inject ConfigApiConfig config;
  @Inject ObjectMapper json;
  @Inject ProblemMapper problems;

  private JsonFactory yamlFactory;
  private final Map<String, Class<?>> entryTypes = ConfigDocument.entryTypes();
  private final Map<String, ObjectReader> readers = new HashMap<>();

  @PostConstruct
  void init() {
    // The synchronous apply's YAML limits (ConfigResource), for the job's larger documents.
    LoaderOptions limits = new LoaderOptions();
    limits.setMaxAliasesForCollections(20);
    limits.setNestingDepthLimit(20);
    limits.setCodePointLimit((int) Math.min(Integer.MAX_VALUE, config.jobMaxBodyBytes()));
    yamlFactory =
        YAMLFactory.builder()
            .loaderOptions(limits)
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    // An entry is followed by the next one: only the document as a whole may have nothing after it.
    entryTypes.forEach(
        (section, type) ->
            readers.put(
                section,
                json.readerFor(type).without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)));
  }

  @ActivateRequestContext
  void run(ConfigJob job) {
    caller.actAs(job.owner);
    try (SpooledDocument document = job.document) {
      job.state("validating");
      Map<ConfigSection<?>, Scan> scans = validate(document);
      Map<String, Long> entries = new LinkedHashMap<>();
      scans.forEach((section, scan) -> entries.put(section.name(), scan.count));
      job.validated(entries);
      job.state("applying");
      List<ConfigSection<?>> present = new ArrayList<>(scans.keySet());
      if (job.prune) {
        for (int i = present.size() - 1; i >= 0; i--) {
          prune(job, present.get(i), scans.get(present.get(i)).keys);
        }
      }
      for (ConfigSection<?> section : present) {
        apply(job, document, section);
      }
      job.succeeded();
    } catch (ApiException e) {
      job.failed(ConfigJobs.problem(e));
    } catch (Exception | Error e) {
      if (Thread.currentThread().isInterrupted()) {
        job.failed(ConfigJobs.problem(ConfigJobs.stopped()));
        return;
      }
      Problem problem = (Problem) problems.unexpected(e, null).getEntity();
      job.failed(problem.at(ConfigJobs.APPLY_PATH));
      if (problem.status() >= 500) {
        LOG.warnf("config job %s failed: %s", job.id, e.toString());
      }
    }
  }

  /** What validation learnt of a present section. */
  private static final class Scan {
    final KeyHashes keys = new KeyHashes();
    long count;

    /** The section's first bad entry: the one the synchronous apply would name. */
    ApiException failure;
  }

  /**
   * The present sections in rank order, each with its keys; throws what the synchronous apply would
   * answer: the first binding failure in document order, else the first bad entry of the first
   * section (by rank) that has one, else a limit.
   */
  private Map<ConfigSection<?>, Scan> validate(SpooledDocument document) throws IOException {
    Map<String, ConfigSection<?>> byName = new HashMap<>();
    for (ConfigSection<?> section : service.ordered()) {
      byName.put(section.name(), section);
    }
    Map<ConfigSection<?>, Scan> found = new HashMap<>();
    long[] total = {0};
    int[] plaintext = {0};
    document.read(
        factory(document),
        entryTypes,
        (name, parser) -> {
          ConfigSection<?> section = byName.get(name);
          Scan scan = new Scan();
          found.put(section, scan);
          SpooledDocument.entries(
              parser,
              name,
              readers.get(name),
              (index, entry) -> {
                if (++total[0] > config.jobMaxEntries()) {
                  throw new ApiException(
                      ProblemKind.PAYLOAD_TOO_LARGE,
                      "the document holds more than "
                          + config.jobMaxEntries()
                          + " entries (mailplane.config.job-max-entries); split it, or raise"
                          + " mailplane.config.job-max-entries");
                }
                scan.count++;
                if (scan.failure == null) {
                  try {
                    checkEntry(section, scan.keys, index, entry);
                  } catch (ApiException e) {
                    scan.failure = e;
                  }
                  if (entry instanceof MailboxEntry mailbox
                      && mailbox.password() != null
                      && mailbox.passwordHash() == null) {
                    plaintext[0]++;
                  }
                }
              });
        });
    Map<ConfigSection<?>, Scan> ordered = new LinkedHashMap<>();
    for (ConfigSection<?> section : service.ordered()) {
      Scan scan = found.get(section);
      if (scan != null) {
        if (scan.failure != null) {
          throw scan.failure;
        }
        ordered.put(section, scan);
      }
    }
    if (plaintext[0] > config.maxPlaintextPasswords()) {
      throw new ApiException(
          ProblemKind.PAYLOAD_TOO_LARGE,
          "the document holds "
              + plaintext[0]
              + " plaintext passwords; at most "
              + config.maxPlaintextPasswords()
              + " are accepted (mailplane.config.max-plaintext-passwords): send passwordHash"
              + " instead");
    }
    return ordered;
  }

  /** The synchronous apply's checks of one entry, in its order (ConfigService.keyed). */
  @SuppressWarnings("unchecked")
  private static <T> void checkEntry(
      ConfigSection<T> section, KeyHashes keys, int index, Object entry) {
    String key = ConfigService.keyOf(section, index, (T) entry);
    int first = keys.putIfAbsent(key, index);
    if (first >= 0) {
      throw ConfigService.duplicate(section, index, key, first);
    }
    ConfigService.check(section, index, key, (T) entry);
  }

  /** Deletes, a chunk at a time, the section's objects in scope that the document leaves out. */
  private void prune(ConfigJob job, ConfigSection<?> section, KeyHashes keys) {
    List<String> gone = new ArrayList<>();
    String after = null;
    while (true) {
      String from = after;
      List<String> page =
          QuarkusTransaction.requiringNew().call(() -> section.keysAfter(from, KEY_PAGE));
      for (String key : page) {
        if (!keys.contains(key)) {
          gone.add(key);
          if (gone.size() == chunkEntries()) {
            delete(job, section, gone);
          }
        }
      }
      if (page.size() < KEY_PAGE) {
        break;
      }
      after = page.get(page.size() - 1);
    }
    if (!gone.isEmpty()) {
      delete(job, section, gone);
    }
  }

  private void delete(ConfigJob job, ConfigSection<?> section, List<String> keys) {
    ConfigPlan plan = service.delete(section, List.copyOf(keys)).result();
    job.done(section.name(), plan, keys.size(), true);
    keys.clear();
  }

  /** Applies the section's entries in chunks, reading them from the document once more. */
  private void apply(ConfigJob job, SpooledDocument document, ConfigSection<?> section)
      throws IOException {
    List<Object> chunk = new ArrayList<>();
    document.read(
        factory(document),
        entryTypes,
        (name, parser) -> {
          if (!name.equals(section.name())) {
            parser.skipChildren();
            return;
          }
          SpooledDocument.entries(
              parser,
              name,
              readers.get(name),
              (index, entry) -> {
                chunk.add(entry);
                if (chunk.size() == chunkEntries()) {
                  applyChunk(job, section, chunk);
                }
              });
        });
    if (!chunk.isEmpty()) {
      applyChunk(job, section, chunk);
    }
  }

  private void applyChunk(ConfigJob job, ConfigSection<?> section, List<Object> chunk) {
    ConfigDocument part = ConfigDocument.of(section.name(), List.copyOf(chunk));
    ConfigPlan plan =
        service.run(part, false, false, Precondition.NONE, job.listsChanges()).result();
    job.done(section.name(), plan, chunk.size(), false);
    chunk.clear();
  }

  /** At most max-entries: a chunk is applied as a synchronous document is. */
  private int chunkEntries() {
    return Math.max(1, Math.min(config.jobChunkEntries(), config.maxEntries()));
  }

  private JsonFactory factory(SpooledDocument document) {
    return document.yaml() ? yamlFactory : json.getFactory();
  }
}
