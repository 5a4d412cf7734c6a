package io.mailplane.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.mailplane.api.ApiException;
import io.mailplane.api.BodyLimit;
import io.mailplane.api.ProblemKind;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A configuration document kept in a temporary file instead of the heap and read back entry by
 * entry with Jackson's streaming parser (JSON or YAML): how a job takes a document far larger than
 * the heap. A read binds each entry to its section's entry type with the application's mapper, and
 * a failure names the entry as binding the whole document would (mailboxes[999998].quotaMb).
 */
final class SpooledDocument implements AutoCloseable {
  private final Path file;
  private final boolean yaml;
  private final long bytes;

  private SpooledDocument(Path file, boolean yaml, long bytes) {
    this.file = file;
    this.yaml = yaml;
    this.bytes = bytes;
  }

  /** Copies the body to a temporary file (owner-only), refusing it past the limit. */
  static SpooledDocument spool(InputStream body, boolean yaml, BodyLimit limit) throws IOException {
    Path file = Files.createTempFile("mailplane-config-", yaml ? ".yaml" : ".json");
    try (OutputStream out = Files.newOutputStream(file)) {
      byte[] buffer = new byte[64 * 1024];
      long count = 0;
      int n;
      while ((n = body.read(buffer)) >= 0) {
        count += n;
        if (count > limit.bytes()) {
          throw new ApiException(ProblemKind.PAYLOAD_TOO_LARGE, limit.refusal());
        }
        out.write(buffer, 0, n);
      }
      return new SpooledDocument(file, yaml, count);
    } catch (IOException | RuntimeException | Error e) {
      Files.deleteIfExists(file);
      throw e;
    }
  }

  boolean yaml() {
    return yaml;
  }

  long bytes() {
    return bytes;
  }

  /**
   * One present section: the parser stands on its START_ARRAY and must be left on its END_ARRAY.
   */
  interface SectionReader {
    void read(String section, JsonParser parser) throws IOException;
  }

  /** One entry of a section, bound (null for a JSON null). */
  interface EntryReader<T> {
    void read(int index, T entry) throws IOException;
  }

  /**
   * Walks the document's sections in document order; an absent or null section is skipped, a
   * misplaced value, an unknown section or anything after the document is refused as the whole
   * document's binding would refuse it. The reader skips the sections it does not want.
   */
  void read(JsonFactory factory, Map<String, Class<?>> sections, SectionReader reader)
      throws IOException {
    try (JsonParser parser = factory.createParser(file.toFile())) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        throw new ApiException(ProblemKind.MALFORMED_REQUEST, "send a configuration document");
      }
      if (token == JsonToken.VALUE_NULL || (yaml && token != JsonToken.START_OBJECT)) {
        throw new ApiException(
            ProblemKind.MALFORMED_REQUEST, "the document must be an object of sections");
      }
      if (token != JsonToken.START_OBJECT) {
        throw MismatchedInputException.from(
            parser, ConfigDocument.class, "the document must be an object of sections");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        if (!sections.containsKey(name)) {
          throw UnrecognizedPropertyException.from(
              parser, ConfigDocument.class, name, new ArrayList<>(sections.keySet()));
        }
        JsonToken value = parser.nextToken();
        if (value == JsonToken.VALUE_NULL) {
          continue;
        }
        if (value != JsonToken.START_ARRAY) {
          MismatchedInputException e =
              MismatchedInputException.from(parser, List.class, "a section is a list of entries");
          e.prependPath(ConfigDocument.class, name);
          throw e;
        }
        reader.read(name, parser);
      }
      if (parser.nextToken() != null) {
        throw MismatchedInputException.from(
            parser, ConfigDocument.class, "nothing may follow the document");
      }
    }
  }

  /** Binds a section's entries one at a time, from its START_ARRAY to its END_ARRAY. */
  static <T> void entries(
      JsonParser parser, String section, ObjectReader entryReader, EntryReader<T> reader)
      throws IOException {
    int index = 0;
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      T entry;
      if (token == JsonToken.VALUE_NULL) {
        entry = null;
      } else {
        try {
          entry = entryReader.readValue(parser);
        } catch (JsonMappingException e) {
          e.prependPath(new JsonMappingException.Reference(null, index));
          e.prependPath(ConfigDocument.class, section);
          throw e;
        }
      }
      reader.read(index++, entry);
    }
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
