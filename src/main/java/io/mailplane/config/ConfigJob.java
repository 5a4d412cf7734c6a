package io.mailplane.config;

import io.mailplane.api.Problem;
import io.mailplane.auth.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One config:apply job's state, shared by its worker (writes) and status requests (reads). */
final class ConfigJob {
  /** Changes a job lists; a million-entry document's would not fit (the rest are counted). */
  static final int LISTED_CHANGES = 1000;

  final String id;
  final Caller.Grant owner;
  final boolean prune;
  final SpooledDocument document;
  final Instant createdAt = Instant.now();

  private String state = "queued";
  private long total;
  private long applied;
  private long deleted;
  private int create;
  private int update;
  private int delete;
  private Long revision;
  private final Map<String, long[]> sections = new LinkedHashMap<>();
  private final List<ConfigPlan.Change> changes = new ArrayList<>();
  private long changesOmitted;
  private Problem problem;
  private Instant finishedAt;

  ConfigJob(String id, Caller.Grant owner, boolean prune, SpooledDocument document) {
    this.id = id;
    this.owner = owner;
    this.prune = prune;
    this.document = document;
  }

  synchronized void state(String state) {
    this.state = state;
  }

  /** The validated document's sections, in the order they are applied, with their entries. */
  synchronized void validated(Map<String, Long> entries) {
    entries.forEach(
        (section, count) -> {
          sections.put(section, new long[] {count, 0, 0});
          total += count;
        });
  }

  /** Whether the list of changes can take more: if not, a chunk's changes are only counted. */
  synchronized boolean listsChanges() {
    return changes.size() < LISTED_CHANGES;
  }

  /** A chunk's transaction committed: entries of the section applied (or deleted by prune). */
  synchronized void done(String section, ConfigPlan plan, int entries, boolean deletes) {
    long[] progress = sections.get(section);
    if (deletes) {
      progress[2] += plan.summary().delete();
      deleted += plan.summary().delete();
    } else {
      progress[1] += entries;
      applied += entries;
    }
    create += plan.summary().create();
    update += plan.summary().update();
    delete += plan.summary().delete();
    revision = plan.revision();
    for (ConfigPlan.Change change : plan.changes()) {
      if (changes.size() < LISTED_CHANGES) {
        changes.add(change);
      } else {
        changesOmitted++;
      }
    }
  }

  synchronized void succeeded() {
    state = "succeeded";
    finishedAt = Instant.now();
  }

  synchronized void failed(Problem problem) {
    state = "failed";
    this.problem = problem;
    finishedAt = Instant.now();
  }

  synchronized boolean finishedBefore(Instant instant) {
    return finishedAt != null && finishedAt.isBefore(instant);
  }

  synchronized ConfigJobDto dto() {
    List<ConfigJobDto.SectionProgress> progress = new ArrayList<>();
    sections.forEach(
        (section, counts) ->
            progress.add(
                new ConfigJobDto.SectionProgress(section, counts[0], counts[1], counts[2])));
    return new ConfigJobDto(
        id,
        state,
        prune,
        total,
        applied,
        deleted,
        new ConfigPlan.Summary(create, update, delete),
        revision,
        progress,
        List.copyOf(changes),
        changesOmitted,
        problem,
        createdAt,
        finishedAt);
  }
}
