package io.mailplane.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.mailplane.TestApi;
import io.mailplane.client.ApiClient;
import io.mailplane.client.ApiException;
import io.mailplane.client.ApiResponse;
import io.mailplane.client.ChangeFeed;
import io.mailplane.client.api.AliasesApi;
import io.mailplane.client.api.DomainsApi;
import io.mailplane.client.api.MailboxesApi;
import io.mailplane.client.model.Alias;
import io.mailplane.client.model.Certificate;
import io.mailplane.client.model.ChangeEvent;
import io.mailplane.client.model.Domain;
import io.mailplane.client.model.Mailbox;
import io.mailplane.client.model.MailboxPage;
import io.mailplane.client.model.Problem;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The generated Java SDK (openapi-generator, `native` library, built from openapi/openapi.yaml by
 * the Maven build) drives the running server through a whole lifecycle. Only generated code talks
 * HTTP here: if the contract and the server disagree, this breaks. Its traffic passes through a
 * {@link ContractProxy}, so every response (and every change-feed event) is also validated.
 */
@QuarkusTest
class JavaSdkScenarioTest {
  @TestHTTPResource("/")
  URI server;

  /** Every exchange goes through it and is checked against the contract. */
  private ContractProxy proxy;

  @BeforeEach
  void startProxy() throws Exception {
    proxy = ContractProxy.start(server);
  }

  @AfterEach
  void closeProxy() {
    proxy.close(); // fails with the contract violations it saw
  }

  @Test
  void lifecycleThroughTheGeneratedClient() throws Exception {
    ApiClient client = client();
    DomainsApi domains = new DomainsApi(client);
    MailboxesApi mailboxes = new MailboxesApi(client);
    AliasesApi aliases = new AliasesApi(client);

    // create domain -> mailboxes -> alias; every create returns the full object
    String name = TestApi.uniqueDomain();
    Domain domain = domains.createDomain(new Domain().name(name), null);
    assertEquals(name, domain.getName());
    assertEquals(Boolean.TRUE, domain.getEnabled());
    List<String> created = new ArrayList<>();
    for (String local : List.of("ann", "bob", "cid", "dee", "eve")) {
      Mailbox mailbox =
          mailboxes.createMailbox(
              new Mailbox().address(local + "@" + name).password("correct horse " + local), null);
      assertEquals(local + "@" + name, mailbox.getAddress());
      assertNull(mailbox.getPassword(), "write-only password must not come back");
      created.add(mailbox.getAddress());
    }
    Alias alias =
        aliases.createAlias(
            new Alias().address("sales@" + name).destinations(List.of("ann@" + name)), null);
    assertEquals(List.of("ann@" + name), alias.getDestinations());

    // list across pages: 5 mailboxes, pages of 2, following `next`
    List<String> listed = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      MailboxPage page = mailboxes.listMailboxes(after, name, null, 2, null);
      page.getItems().forEach(m -> listed.add(m.getAddress()));
      after = page.getNext();
      pages++;
    } while (after != null && pages < 10);
    assertEquals(created, listed);
    assertEquals(3, pages);

    // update with the ETag of the read
    ApiResponse<Mailbox> read = mailboxes.getMailboxWithHttpInfo("bob@" + name);
    String etag = read.getHeaders().get("ETag").get(0);
    assertNotNull(etag);
    Mailbox updated =
        mailboxes.putMailbox("bob@" + name, read.getData().displayName("Bob"), etag, null);
    assertEquals("Bob", updated.getDisplayName());
    assertEquals(read.getData().getVersion() + 1, updated.getVersion());

    // the same (now stale) ETag again: 412, decoded as a Problem
    ApiException stale =
        assertThrows(
            ApiException.class,
            () -> mailboxes.putMailbox("bob@" + name, updated.displayName("Robert"), etag, null));
    assertEquals(412, stale.getCode());
    Problem problem = problem(client, stale);
    assertEquals(412, problem.getStatus());
    assertEquals("urn:mailplane:problem:precondition-failed", problem.getType());
    assertEquals("Bob", mailboxes.getMailbox("bob@" + name).getDisplayName());

    // delete, then a read is 404 with a Problem body
    aliases.deleteAlias("sales@" + name, null);
    mailboxes.deleteMailbox("bob@" + name, null);
    ApiException gone = assertThrows(ApiException.class, () -> mailboxes.getMailbox("bob@" + name));
    assertEquals(404, gone.getCode());
    assertEquals("urn:mailplane:problem:not-found", problem(client, gone).getType());
    ApiException aliasGone =
        assertThrows(ApiException.class, () -> aliases.getAlias("sales@" + name));
    assertEquals(404, aliasGone.getCode());

    domains.deleteDomain(name, true, null);
  }

  /**
   * Generated types are as strict as the contract: an inline enum is a Java enum, a property the
   * server always sends is required (Jackson fails a response without it).
   */
  @Test
  void generatedModelsHaveTypedEnumsAndRequiredFields() throws Exception {
    var status = Certificate.class.getMethod("getStatus");
    assertTrue(status.getReturnType().isEnum(), "Certificate.status is an enum");
    assertTrue(status.getAnnotation(JsonProperty.class).required(), "Certificate.status required");
    assertTrue(
        ChangeEvent.class.getMethod("getRevision").getAnnotation(JsonProperty.class).required(),
        "ChangeEvent.revision required");
  }

  /**
   * The SDK's change-feed helper yields each event while the stream stays open, and resumes from
   * Last-Event-ID without losing or repeating one.
   */
  @Test
  void changeFeedStreamsAndResumes() throws Exception {
    ApiClient client = client();
    DomainsApi domains = new DomainsApi(client);
    String first = TestApi.uniqueDomain();
    String second = TestApi.uniqueDomain();
    ChangeFeed.Event created;
    try (ChangeFeed feed = ChangeFeed.open(client, null)) {
      domains.createDomain(new Domain().name(first), null);
      created = nextFor(feed, first);
      assertEquals("create", created.data().getAction());
      assertEquals(created.id(), feed.lastEventId());
      // still the same open stream: a later change arrives on it
      domains.createDomain(new Domain().name(second), null);
      assertEquals("create", nextFor(feed, second).data().getAction());
    }
    try (ChangeFeed resumed = ChangeFeed.open(client, created.id())) {
      ChangeFeed.Event next = resumed.next();
      assertEquals(Long.parseLong(created.id()) + 1, next.data().getRevision());
    }
    domains.deleteDomain(first, true, null);
    domains.deleteDomain(second, true, null);
  }

  /** The next event about the given domain (other tests' changes may interleave). */
  private static ChangeFeed.Event nextFor(ChangeFeed feed, String domain) throws Exception {
    java.util.concurrent.ExecutorService reader =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      return reader
          .submit(
              () -> {
                for (ChangeFeed.Event e; (e = feed.next()) != null; ) {
                  if (domain.equals(e.data().getKey())) {
                    return e;
                  }
                }
                throw new AssertionError("stream closed before an event for " + domain);
              })
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      reader.shutdownNow();
    }
  }

  private ApiClient client() {
    ApiClient client = new ApiClient();
    client.updateBaseUri(proxy.uri().toString().replaceAll("/$", ""));
    client.setRequestInterceptor(
        request -> request.header("Authorization", "Bearer " + TestApi.ADMIN_TOKEN));
    return client;
  }

  /** Decodes an error body with the SDK's own mapper into the SDK's Problem model. */
  private static Problem problem(ApiClient client, ApiException e) throws Exception {
    return client.getObjectMapper().readValue(e.getResponseBody(), Problem.class);
  }
}
