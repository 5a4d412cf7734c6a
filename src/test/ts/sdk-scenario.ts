// The generated TypeScript SDK (typescript-fetch) against a running mailplane: the same lifecycle
// as JavaSdkScenarioTest. Only the generated client talks HTTP. Run by TypeScriptSdkScenarioTest:
//   MAILPLANE_URL=http://localhost:8081 MAILPLANE_TOKEN=... node target/ts-scenario/src/test/ts/sdk-scenario.js
import {
  AliasesApi,
  ConfigApi,
  Configuration,
  DomainsApi,
  MailboxesApi,
  Problem,
  ProblemFromJSON,
  ResponseError,
} from '../../../target/generated-sdk/typescript';
import { changeFeed, ChangeFeedEvent } from '../../../target/generated-sdk/typescript/changeFeed';

declare const process: {
  env: Record<string, string | undefined>;
  exitCode?: number;
};

function check(condition: boolean, message: string): asserts condition {
  if (!condition) {
    throw new Error('assertion failed: ' + message);
  }
}

function equal<T>(actual: T, expected: T, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  check(a === e, `${what}: expected ${e}, got ${a}`);
}

/** Runs a call that must fail; returns the HTTP status and the body decoded as a Problem. */
async function problemOf(call: () => Promise<unknown>): Promise<{ status: number; problem: Problem }> {
  try {
    await call();
  } catch (e) {
    if (e instanceof ResponseError) {
      equal(e.response.headers.get('Content-Type'), 'application/problem+json', 'error media type');
      return { status: e.response.status, problem: ProblemFromJSON(await e.response.json()) };
    }
    throw e;
  }
  throw new Error('the call should have failed');
}

async function main(): Promise<void> {
  const config = new Configuration({
    basePath: (process.env.MAILPLANE_URL ?? 'http://localhost:8080').replace(/\/$/, ''),
    accessToken: process.env.MAILPLANE_TOKEN,
  });
  const domains = new DomainsApi(config);
  const mailboxes = new MailboxesApi(config);
  const aliases = new AliasesApi(config);

  // create domain -> mailboxes -> alias; every create returns the full object
  const name = `ts${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}.example`;
  const domain = await domains.createDomain({ domain: { name } });
  equal(domain.name, name, 'created domain name');
  equal(domain.enabled, true, 'created domain enabled');
  const created: string[] = [];
  for (const local of ['ann', 'bob', 'cid', 'dee', 'eve']) {
    const mailbox = await mailboxes.createMailbox({
      mailbox: { address: `${local}@${name}`, password: `correct horse ${local}` },
    });
    equal(mailbox.address, `${local}@${name}`, 'created mailbox address');
    check(mailbox.password === undefined, 'write-only password must not come back');
    created.push(mailbox.address!);
  }
  const alias = await aliases.createAlias({
    alias: { address: `sales@${name}`, destinations: [`ann@${name}`] },
  });
  equal(alias.destinations, [`ann@${name}`], 'alias destinations');

  // list across pages: 5 mailboxes, pages of 2, following `next`
  const listed: string[] = [];
  let after: string | undefined = undefined;
  let pages = 0;
  do {
    const page = await mailboxes.listMailboxes({ domain: name, limit: 2, after });
    page.items?.forEach((m) => listed.push(m.address!));
    after = page.next ?? undefined;
    pages++;
  } while (after !== undefined && pages < 10);
  equal(listed, created, 'listed mailboxes');
  equal(pages, 3, 'pages');

  // update with the ETag of the read
  const read = await mailboxes.getMailboxRaw({ address: `bob@${name}` });
  const etag = read.raw.headers.get('ETag');
  check(etag !== null, 'GET returns an ETag');
  const before = await read.value();
  const updated = await mailboxes.putMailbox({
    address: `bob@${name}`,
    mailbox: { ...before, displayName: 'Bob' },
    ifMatch: etag,
  });
  equal(updated.displayName, 'Bob', 'updated display name');
  equal(updated.version, (before.version ?? 0) + 1, 'version after update');

  // the same (now stale) ETag again: 412 decoded as a Problem
  const stale = await problemOf(() =>
    mailboxes.putMailbox({
      address: `bob@${name}`,
      mailbox: { ...updated, displayName: 'Robert' },
      ifMatch: etag,
    }),
  );
  equal(stale.status, 412, 'stale If-Match status');
  equal(stale.problem.status, 412, 'problem status');
  equal(stale.problem.type, 'urn:mailplane:problem:precondition-failed', 'problem type');
  equal((await mailboxes.getMailbox({ address: `bob@${name}` })).displayName, 'Bob', 'unchanged');

  // delete, then a read is 404 with a Problem body
  await aliases.deleteAlias({ address: `sales@${name}` });
  await mailboxes.deleteMailbox({ address: `bob@${name}` });
  const gone = await problemOf(() => mailboxes.getMailbox({ address: `bob@${name}` }));
  equal(gone.status, 404, 'read after delete');
  equal(gone.problem.type, 'urn:mailplane:problem:not-found', 'problem type after delete');
  equal((await problemOf(() => aliases.getAlias({ address: `sales@${name}` }))).status, 404, 'alias gone');

  await domains.deleteDomain({ domain: name, cascade: true });
  await changeFeedScenario(config, domains);
  console.log(`scenario ok: ${name}, ${pages} pages`);
}

/** The SDK's change-feed helper yields events while the stream stays open, and resumes. */
async function changeFeedScenario(config: Configuration, domains: DomainsApi): Promise<void> {
  const etag = (await new ConfigApi(config).exportConfigRaw()).raw.headers.get('ETag');
  check(etag !== null, 'GET /config returns the revision as ETag');
  const start = etag.replace(/"/g, '');
  const abort = new AbortController();
  const feed = changeFeed(config, { lastEventId: start, signal: abort.signal });
  const nextFor = async (key: string): Promise<ChangeFeedEvent> => {
    for (;;) {
      const item = await feed.next();
      check(!item.done, `stream ended before an event for ${key}`);
      if (item.value.data.key === key) {
        return item.value;
      }
    }
  };
  const first = `ts${Date.now().toString(36)}f.example`;
  const second = `ts${Date.now().toString(36)}s.example`;
  await domains.createDomain({ domain: { name: first } });
  const created = await nextFor(first);
  equal(created.data.action, 'create', 'first event action');
  // the same open stream: a later change arrives on it
  await domains.createDomain({ domain: { name: second } });
  equal((await nextFor(second)).data.action, 'create', 'second event action');
  abort.abort();
  equal((await feed.next()).done, true, 'aborted feed ends');

  const resumeAbort = new AbortController();
  const resumed = changeFeed(config, { lastEventId: created.id, signal: resumeAbort.signal });
  const next = await resumed.next();
  check(!next.done, 'resumed feed yields');
  equal(next.value.data.revision, Number(created.id) + 1, 'resumes right after the last event');
  resumeAbort.abort();
  await resumed.return(undefined);
  await domains.deleteDomain({ domain: first, cascade: true });
  await domains.deleteDomain({ domain: second, cascade: true });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.stack ?? e.message : e);
  process.exitCode = 1;
});
