package io.mailplane.imports;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

@Schema(
    name = "ImportRequest",
    description =
        "Import the seed admin's database (jeboehm/mailserver-admin). A dry run (the default) only"
            + " plans; run it again with dryRun false to import. Repeatable: a second run"
            + " converges.")
public record ImportRequest(
    @NotNull @Valid Source source,
    @Schema(description = "Plan only, change nothing; default true", example = "true")
        Boolean dryRun,
    @Valid
        @Schema(
            type = SchemaType.OBJECT,
            nullable = true,
            description = "Default: skip both, fetchmail off")
        Options options) {

  @Schema(
      name = "ImportSource",
      description =
          "The seed's database. The credentials are used for this job only: never stored, logged"
              + " or returned.")
  public record Source(
      @NotNull
          @Schema(
              description =
                  "jdbc:mariadb://host[:port]/database, jdbc:mysql://… or"
                      + " jdbc:postgresql://…; options: sslMode, allowPublicKeyRetrieval,"
                      + " connectTimeout only (PostgreSQL: sslmode, connectTimeout)",
              example = "jdbc:mariadb://db:3306/mailserver")
          String url,
      @NotNull @Schema(example = "mailserver") String username,
      @JsonInclude(JsonInclude.Include.NON_NULL)
          @Schema(writeOnly = true, nullable = true, example = "changeme")
          String password) {
    @Override
    public String toString() {
      return "Source[url=" + url + ", username=" + username + ", password=<redacted>]";
    }
  }

  @Schema(
      name = "ImportOptions",
      description = "What to do with rows the seed keeps but mailplane would refuse")
  public record Options(
      @Pattern(regexp = "^(skip|no-login)$", message = "must be skip or no-login")
          @Schema(
              enumeration = {"skip", "no-login"},
              nullable = true,
              description =
                  "Mailboxes with an empty password (the seed: they receive but nobody can log in):"
                      + " skip (default), or no-login = import with a random password nobody knows",
              example = "skip")
          String emptyPasswords,
      @Pattern(regexp = "^(skip|strip)$", message = "must be skip or strip")
          @Schema(
              enumeration = {"skip", "strip"},
              nullable = true,
              description =
                  "Domains written with a trailing dot (inert in the seed: no query matches them):"
                      + " skip (default), or strip = import without the dot, which makes them live",
              example = "skip")
          String trailingDots,
      @Schema(
              nullable = true,
              description =
                  "Create imported fetchmail accounts enabled; default false (paused, so the seed's"
                      + " fetchmailmgr and mailplane never fetch the same account at once)",
              example = "false")
          Boolean enableFetchmail) {

    Options withDefaults() {
      return new Options(
          emptyPasswords == null ? "skip" : emptyPasswords,
          trailingDots == null ? "skip" : trailingDots,
          enableFetchmail != null && enableFetchmail);
    }
  }
}
