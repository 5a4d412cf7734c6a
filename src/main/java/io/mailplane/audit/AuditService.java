package io.mailplane.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.Page;
import io.mailplane.api.PageRequest;
import io.mailplane.api.Timestamps;
import io.mailplane.auth.Caller;
import io.mailplane.events.Revisions;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Records every write in the writer's transaction, and answers queries about them. */
@ApplicationScoped
public class AuditService {
  @Inject Caller caller;
  @Inject ObjectMapper json;
  @Inject Revisions revisions;

  /**
   * Must run inside the transaction of the change. before/after are response DTOs, which carry no
   * secrets by construction (write-only fields are never filled in them). Without {@code numbered}
   * the event takes no configuration revision (it is not a change of configuration).
   */
  @Transactional(Transactional.TxType.MANDATORY)
  void record(
      String action,
      String resourceType,
      String resourceKey,
      String domain,
      Object before,
      Object after,
      boolean numbered) {
    // Inserted at commit, numbered with the configuration revision or not at all (see Revisions).
    revisions.defer(
        numbered,
        new Revisions.Entry(
            Timestamps.now(),
            caller.id(),
            action,
            resourceType,
            resourceKey,
            domain,
            write(before),
            write(after)));
  }

  public record Filter(
      String resourceType,
      String resourceKey,
      String domain,
      String actor,
      String action,
      Instant since,
      Instant until) {}

  /** Newest first. */
  public Page<AuditEventDto> list(Filter filter, PageRequest page) {
    List<String> where = new ArrayList<>();
    Parameters params = new Parameters();
    if (page.afterKey() != null) {
      where.add("id < :after");
      params.and("after", page.afterId());
    }
    Optional<Set<String>> visible = caller.visibleDomains();
    if (visible.isPresent()) {
      if (visible.get().isEmpty()) {
        return new Page<>(List.of(), null);
      }
      where.add("domain in :visible");
      params.and("visible", visible.get());
    }
    addEquals(where, params, "resourceType", filter.resourceType());
    addEquals(where, params, "resourceKey", filter.resourceKey());
    addEquals(where, params, "domain", filter.domain());
    addEquals(where, params, "actor", filter.actor());
    addEquals(where, params, "action", filter.action());
    if (filter.since() != null) {
      where.add("occurredAt >= :since");
      params.and("since", filter.since());
    }
    if (filter.until() != null) {
      where.add("occurredAt < :until");
      params.and("until", filter.until());
    }
    String query = (where.isEmpty() ? "" : String.join(" and ", where)) + " order by id desc";
    List<AuditEvent> rows =
        AuditEvent.<AuditEvent>find(query, params).page(0, page.limit() + 1).list();
    return Page.of(rows, page.limit(), e -> e.id.toString(), this::toDto);
  }

  private static void addEquals(List<String> where, Parameters params, String field, String value) {
    if (value != null && !value.isEmpty()) {
      where.add(field + " = :" + field);
      params.and(field, value);
    }
  }

  private AuditEventDto toDto(AuditEvent event) {
    return new AuditEventDto(
        event.id,
        event.occurredAt,
        event.actor,
        event.action,
        event.resourceType,
        event.resourceKey,
        event.domain,
        read(event.beforeJson),
        read(event.afterJson));
  }

  private String write(Object value) {
    if (value == null) {
      return null;
    }
    try {
      return json.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot record audit state", e);
    }
  }

  private JsonNode read(String value) {
    if (value == null) {
      return null;
    }
    try {
      return json.readTree(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("corrupt audit record " + value.length(), e);
    }
  }
}
