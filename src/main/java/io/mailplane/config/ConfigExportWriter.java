package io.mailplane.config;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.mailplane.api.Preconditions;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.ext.MessageBodyWriter;
import jakarta.ws.rs.ext.Provider;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.annotation.Annotation;
import java.lang.reflect.Type;

/**
 * Writes GET /api/v1/config while it is read. The export's transaction has to span the writing,
 * which runs after the resource method has returned, and the revision read in it must still become
 * the ETag: a message body writer may add headers until its first byte, so the whole export runs
 * here, on the request's worker thread (the output stream blocks while the client is behind).
 *
 * <p>The document goes through the same mappers and pretty printer as when it was built in memory,
 * so it is the same text. On a failure the generator is not closed (closing it would end the
 * stream, and a YAML document cut at an entry's end still parses): before the first byte has left
 * the generator's buffer (about 8 KB) the failure becomes a problem as usual; after it the
 * connection is closed mid-body.
 */
@Provider
@Produces({MediaType.APPLICATION_JSON, ConfigResource.YAML})
public class ConfigExportWriter implements MessageBodyWriter<ConfigExportWriter.Body> {
  /** The entity of an export response: what to write comes from the service, as it is written. */
  public record Body(boolean yaml) {}

  @Inject ConfigService service;
  @Inject ObjectMapper json;
  @Inject RoutingContext request;

  private final ObjectWriter yamlWriter = yamlWriter();

  private static ObjectWriter yamlWriter() {
    YAMLMapper mapper = new YAMLMapper();
    mapper.findAndRegisterModules();
    return mapper.writer();
  }

  @Override
  public boolean isWriteable(
      Class<?> type, Type genericType, Annotation[] annotations, MediaType mediaType) {
    return type == Body.class;
  }

  @Override
  public void writeTo(
      Body body,
      Class<?> type,
      Type genericType,
      Annotation[] annotations,
      MediaType mediaType,
      MultivaluedMap<String, Object> headers,
      OutputStream out)
      throws IOException {
    ObjectWriter writer = body.yaml() ? yamlWriter : json.writerWithDefaultPrettyPrinter();
    HttpServerResponse response = request.response();
    ClientStream client = new ClientStream(out, response);
    try {
      service.export(
          (revision, document) -> {
            headers.putSingle(HttpHeaders.ETAG, Preconditions.etag(revision));
            JsonGenerator generator = writer.createGenerator(client);
            generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            writer.writeValue(generator, document);
            generator.close();
          });
    } catch (IOException | RuntimeException | Error e) {
      if (client.started) {
        // Part of the document is out: the problem the failure becomes would be appended to it and
        // the body ended as if complete. Closing the connection first leaves the chunked body
        // without its end, which every HTTP client reports as a broken transfer.
        response.reset();
      }
      throw e;
    }
  }

  /**
   * Ends the export at its next write once the client has closed the connection. The response
   * stream only notices a closed connection when it waits for the client to catch up; before that,
   * writes to it were seen to go on without an error, so an export whose client had gone read on to
   * its end and held its connection that long (tried in ConfigExportStreamTest).
   */
  private static final class ClientStream extends FilterOutputStream {
    private final HttpServerResponse response;
    private boolean started;

    ClientStream(OutputStream out, HttpServerResponse response) {
      super(out);
      this.response = response;
    }

    @Override
    public void write(int b) throws IOException {
      check();
      started = true;
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      check();
      started = true;
      out.write(b, off, len);
    }

    private void check() throws IOException {
      if (response.closed()) {
        // The exception the problem mapper knows as a client that hung up (logged as such).
        throw new IOException(new HttpClosedException("the client closed the connection"));
      }
    }
  }
}
