package io.mailplane.dkim;

import io.mailplane.common.TxtStrings;
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

  public static DkimDnsRecord txt(String name, String value) {
    return new DkimDnsRecord(name, "TXT", value, TxtStrings.split(value));
  }

  static String value(String algorithm, String publicKey) {
    return "v=DKIM1; k=" + algorithm + "; p=" + publicKey;
  }
}
