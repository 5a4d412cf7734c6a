package io.mailplane.autoconfig;

import io.mailplane.api.Problem;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Mail client auto-configuration on the API port, without authentication (clients ask before the
 * user has any credential mailplane knows). The same answers come from {@link ClientConfigListener}
 * when the API port is not reachable from the internet.
 */
// Class-level responses apply to every operation (MicroProfile OpenAPI).
@APIResponse(
    responseCode = "400",
    description =
        "emailaddress (or the posted EMailAddress) is not an address, or the body is not XML",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "404",
    description = "No enabled domain or alias domain hosted here matches (or autoconfig is off)",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(
    responseCode = "406",
    description = "The Accept header does not allow the document",
    content =
        @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@Path("/")
@Tag(
    name = "autoconfig",
    description = "Mail client auto-configuration (Thunderbird, Outlook); no authentication")
public class ClientConfigResource {
  static final String MOZILLA = "/mail/config-v1.1.xml";
  static final String MOZILLA_WELL_KNOWN = "/.well-known/autoconfig/mail/config-v1.1.xml";
  static final String OUTLOOK = "/autodiscover/autodiscover.xml";
  static final String OUTLOOK_CAPITALIZED = "/Autodiscover/Autodiscover.xml";

  private static final String MOZILLA_EXAMPLE =
      """
      <?xml version="1.0" encoding="UTF-8"?><clientConfig version="1.1"><emailProvider id="example.com"><domain>example.com</domain><displayName>example.com</displayName><displayShortName>example.com</displayShortName><incomingServer type="imap"><hostname>mail.example.com</hostname><port>143</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></incomingServer><outgoingServer type="smtp"><hostname>mail.example.com</hostname><port>587</port><socketType>STARTTLS</socketType><authentication>password-cleartext</authentication><username>%EMAILADDRESS%</username></outgoingServer></emailProvider></clientConfig>""";
  private static final String OUTLOOK_EXAMPLE =
      """
      <?xml version="1.0" encoding="UTF-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006"><Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a"><Account><AccountType>email</AccountType><Action>settings</Action><Protocol><Type>IMAP</Type><Server>mail.example.com</Server><Port>143</Port><DomainRequired>off</DomainRequired><LoginName>john@example.com</LoginName><SPA>off</SPA><SSL>on</SSL><Encryption>TLS</Encryption><AuthRequired>on</AuthRequired></Protocol></Account></Response></Autodiscover>""";
  private static final String OUTLOOK_REQUEST_EXAMPLE =
      """
      <?xml version="1.0" encoding="utf-8"?><Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006"><Request><EMailAddress>john@example.com</EMailAddress><AcceptableResponseSchema>http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a</AcceptableResponseSchema></Request></Autodiscover>""";

  private static final String TOO_LARGE = "Request body too large";

  @Inject ClientConfigService service;

  @GET
  @Path(MOZILLA)
  @Produces(ClientConfigService.MOZILLA_TYPE)
  @Operation(
      operationId = "getMozillaAutoconfig",
      summary = "Mozilla autoconfig (clientConfig 1.1) for the address's domain")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.MOZILLA_TYPE,
              schema = @Schema(implementation = String.class, example = MOZILLA_EXAMPLE)))
  public Response mozilla(
      @Parameter(description = "The address being set up", example = "john@example.com")
          @QueryParam("emailaddress")
          String emailAddress,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.mozilla(emailAddress, host));
  }

  @GET
  @Path(MOZILLA_WELL_KNOWN)
  @Produces(ClientConfigService.MOZILLA_TYPE)
  @Operation(
      operationId = "getMozillaAutoconfigWellKnown",
      summary = "Mozilla autoconfig at the well-known path Thunderbird also tries")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.MOZILLA_TYPE,
              schema = @Schema(implementation = String.class, example = MOZILLA_EXAMPLE)))
  public Response mozillaWellKnown(
      @Parameter(description = "The address being set up", example = "john@example.com")
          @QueryParam("emailaddress")
          String emailAddress,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.mozilla(emailAddress, host));
  }

  @GET
  @Path(OUTLOOK)
  @Produces(ClientConfigService.OUTLOOK_TYPE)
  @Operation(
      operationId = "getOutlookAutodiscover",
      summary = "Outlook autodiscover (POX) for ?emailaddress= or the asked host")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.OUTLOOK_TYPE,
              schema = @Schema(implementation = String.class, example = OUTLOOK_EXAMPLE)))
  public Response outlookGet(
      @Parameter(description = "The address being set up", example = "john@example.com")
          @QueryParam("emailaddress")
          String emailAddress,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.outlook(emailAddress, null, host));
  }

  @POST
  @Path(OUTLOOK)
  @Consumes(MediaType.WILDCARD)
  @Produces(ClientConfigService.OUTLOOK_TYPE)
  @Operation(
      operationId = "postOutlookAutodiscover",
      summary = "Outlook autodiscover (POX): the request Outlook posts")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.OUTLOOK_TYPE,
              schema = @Schema(implementation = String.class, example = OUTLOOK_EXAMPLE)))
  @APIResponse(
      responseCode = "413",
      description = TOO_LARGE,
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response outlookPost(
      @RequestBody(
              content =
                  @Content(
                      mediaType = ClientConfigService.OUTLOOK_TYPE,
                      schema =
                          @Schema(
                              implementation = String.class,
                              example = OUTLOOK_REQUEST_EXAMPLE)))
          String body,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.outlook(null, body, host));
  }

  @GET
  @Path(OUTLOOK_CAPITALIZED)
  @Produces(ClientConfigService.OUTLOOK_TYPE)
  @Operation(
      operationId = "getOutlookAutodiscoverCapitalized",
      summary = "Outlook autodiscover at the capitalized path some Outlook versions use")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.OUTLOOK_TYPE,
              schema = @Schema(implementation = String.class, example = OUTLOOK_EXAMPLE)))
  public Response outlookGetCapitalized(
      @Parameter(description = "The address being set up", example = "john@example.com")
          @QueryParam("emailaddress")
          String emailAddress,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.outlook(emailAddress, null, host));
  }

  @POST
  @Path(OUTLOOK_CAPITALIZED)
  @Consumes(MediaType.WILDCARD)
  @Produces(ClientConfigService.OUTLOOK_TYPE)
  @Operation(
      operationId = "postOutlookAutodiscoverCapitalized",
      summary = "Outlook autodiscover (POX) at the capitalized path")
  @APIResponse(
      responseCode = "200",
      description = "The servers to use",
      content =
          @Content(
              mediaType = ClientConfigService.OUTLOOK_TYPE,
              schema = @Schema(implementation = String.class, example = OUTLOOK_EXAMPLE)))
  @APIResponse(
      responseCode = "413",
      description = TOO_LARGE,
      content =
          @Content(
              mediaType = Problem.MEDIA_TYPE,
              schema = @Schema(implementation = Problem.class)))
  public Response outlookPostCapitalized(
      @RequestBody(
              content =
                  @Content(
                      mediaType = ClientConfigService.OUTLOOK_TYPE,
                      schema =
                          @Schema(
                              implementation = String.class,
                              example = OUTLOOK_REQUEST_EXAMPLE)))
          String body,
      @Parameter(hidden = true) @HeaderParam("Host") String host) {
    return ok(service.outlook(null, body, host));
  }

  private static Response ok(ClientConfigService.Document document) {
    return Response.ok(document.body(), document.mediaType()).build();
  }
}
