package io.mailplane.dkim;

import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(name = "DkimDnsRecord", description = "The TXT record that publishes a selector's key")
public record DkimDnsRecord(
    @Schema(example = "dkim._domainkey.example.com") String name,
    @Schema(example = "TXT") String type,
    @Schema(
            description = "The whole record value",
            example = "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=")
        String value,
    @Schema(
            description =
                "The value split into character-strings of at most 255 characters, as a TXT"
                    + " record must carry it (RFC 1035 §3.3.14; RFC 6376 §3.6.2.2)")
        List<String> strings) {

  /** Longest character-string in a TXT record. */
  static final int MAX_STRING = 255;

  public static DkimDnsRecord txt(String name, String value) {
    return new DkimDnsRecord(name, "TXT", value, split(value));
  }

  /** Splits a TXT value into ≤255-character strings; resolvers concatenate them unchanged. */
  public static List<String> split(String value) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < value.length(); i += MAX_STRING) {
      parts.add(value.substring(i, Math.min(value.length(), i + MAX_STRING)));
    }
    if (parts.isEmpty()) {
      parts.add("");
    }
    return List.copyOf(parts);
  }

  static String value(String algorithm, String publicKey) {
    return "v=DKIM1; k=" + algorithm + "; p=" + publicKey;
  }
}
