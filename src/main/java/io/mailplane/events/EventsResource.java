package io.mailplane.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mailplane.api.ApiException;
import io.mailplane.auth.Caller;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/events")
@Tag(name = "events", description = "Change feed (Server-Sent Events)")
@SecurityRequirement(name = "bearer")
public class EventsResource {
  @Inject ChangeFeed feed;
  @Inject Caller caller;
  @Inject EventsConfig config;
  @Inject ObjectMapper json;
  @Context Sse sse;

  @GET
  @Produces(MediaType.SERVER_SENT_EVENTS)
  // Authentication reads the token table: run the request (not the stream) on a worker thread.
  @Blocking
  @Operation(
      operationId = "streamEvents",
      summary =
          "Stream committed changes in commit order (SSE; id = revision). Without Last-Event-ID"
              + " the stream starts at the current revision; Last-Event-ID: 0 replays the history.")
  @APIResponse(
      responseCode = "200",
      description = "An event stream; each event's data is a ChangeEvent",
      content =
          @Content(
              mediaType = MediaType.SERVER_SENT_EVENTS,
              schema = @Schema(implementation = ChangeEvent.class)))
  public Multi<OutboundSseEvent> stream(
      @Parameter(description = "Resume after this revision (the id of the last event received)")
          @HeaderParam("Last-Event-ID")
          String lastEventId) {
    // The scope is fixed when the stream opens: polls run outside the request.
    Optional<Set<String>> scope = caller.visibleDomains();
    AtomicLong cursor = new AtomicLong(start(lastEventId));
    AtomicLong quietPolls = new AtomicLong();
    long pollsPerKeepAlive =
        Math.max(1, config.keepAlive().toMillis() / Math.max(1, config.pollInterval().toMillis()));
    return Multi.createFrom()
        .ticks()
        .startingAfter(Duration.ofMillis(1))
        .every(config.pollInterval())
        // A slow poll (or a slow client) skips ticks instead of queueing them.
        .onOverflow()
        .drop()
        .onItem()
        .transformToIterable(
            tick -> {
              List<ChangeEvent> events = feed.after(cursor.get(), scope, config.batchSize());
              if (events.isEmpty()) {
                if (quietPolls.incrementAndGet() % pollsPerKeepAlive != 0) {
                  return List.of();
                }
                return List.of(sse.newEventBuilder().comment("keep-alive").build());
              }
              quietPolls.set(0);
              cursor.set(events.get(events.size() - 1).revision());
              return events.stream().map(this::toSse).toList();
            })
        .select()
        .first(config.maxStreamDuration());
  }

  private long start(String lastEventId) {
    if (lastEventId == null || lastEventId.isBlank()) {
      return feed.head();
    }
    try {
      long revision = Long.parseLong(lastEventId.trim());
      if (revision < 0) {
        throw new NumberFormatException();
      }
      return revision;
    } catch (NumberFormatException e) {
      throw ApiException.invalid("Last-Event-ID", "must be the id of an event of this stream");
    }
  }

  private OutboundSseEvent toSse(ChangeEvent event) {
    String data;
    try {
      data = json.writeValueAsString(event);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a change event", e);
    }
    // Data as a ready JSON string: an event with a media type makes the server add a
    // non-standard "content-type:" line to the stream.
    return sse.newEventBuilder()
        .id(Long.toString(event.revision()))
        .name(event.resource())
        .data(data)
        .build();
  }
}
