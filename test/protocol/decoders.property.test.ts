import { expect } from 'chai';
import fc from 'fast-check';
import { Type, type TSchema } from '@sinclair/typebox';
import * as cluster from '@quarry/cluster-protocol';
import { QuarryError } from '@quarry/common';
import { parseSubmission } from '@quarry/coordinator';
import * as client from '@quarry/protocol';
import { decode, encode } from '@quarry/runtime';
import { decodeCommand } from '@quarry/worker';
import { arbitraryFor, mutationOf, withoutNegativeZero } from './arbitrary.js';

interface Subject {
  readonly name: string;
  readonly schema: TSchema;
  readonly decode: (v: unknown) => unknown;
  readonly code?: string;
}

const union = (variants: Record<string, TSchema>) => Type.Union(Object.values(variants));

/** Every message type of every subject, client-facing and cluster-internal, with its decoder. */
const SUBJECTS: Subject[] = [
  {
    name: 'submit',
    schema: client.SubmitRequestSchema,
    decode: client.decodeSubmitRequest,
    code: 'INVALID_SUBMISSION',
  },
  { name: 'submit reply', schema: client.SubmitReplySchema, decode: client.decodeSubmitReply },
  { name: 'results request', schema: client.ResultsRequestSchema, decode: client.decodeResultsRequest },
  { name: 'results page', schema: client.ResultsPageSchema, decode: client.decodeResultsPage },
  { name: 'cancel request', schema: client.CancelRequestSchema, decode: client.decodeCancelRequest },
  { name: 'cancel reply', schema: client.CancelReplySchema, decode: client.decodeCancelReply },
  { name: 'status event', schema: union(client.QueryEventSchemas), decode: client.decodeQueryEvent },
  {
    name: 'cluster info request',
    schema: client.ClusterInfoRequestSchema,
    decode: client.decodeClusterInfoRequest,
  },
  { name: 'cluster info', schema: client.ClusterInfoSchema, decode: client.decodeClusterInfo },
  { name: 'cluster load', schema: client.ClusterLoadSchema, decode: client.decodeClusterLoad },
  { name: 'queries request', schema: client.QueriesRequestSchema, decode: client.decodeQueriesRequest },
  { name: 'query listing', schema: client.QueryListingSchema, decode: client.decodeQueryListing },
  { name: 'heartbeat', schema: cluster.HeartbeatSchema, decode: cluster.decodeHeartbeat },
  {
    name: 'worker command',
    schema: union(cluster.WorkerCommandSchemas),
    decode: cluster.decodeWorkerCommand,
  },
  { name: 'run reply', schema: cluster.RunTaskReplySchema, decode: cluster.decodeRunTaskReply },
  {
    name: 'cancel tasks reply',
    schema: cluster.CancelTasksReplySchema,
    decode: cluster.decodeCancelTasksReply,
  },
  { name: 'task update', schema: union(cluster.TaskUpdateSchemas), decode: cluster.decodeTaskUpdate },
];

/**
 * The decoders the servers actually run where more than the schema is checked: the coordinator's
 * submission reader (friendlier words, the configured length) and the worker's command reader
 * (the plan fragment's check). They must hold to the same promise.
 */
const SERVER_DECODERS: {
  readonly name: string;
  readonly decode: (v: unknown) => unknown;
  readonly valid: TSchema;
}[] = [
  {
    name: 'coordinator submission',
    decode: (v) => parseSubmission(v, 1_000_000),
    valid: client.SubmitRequestSchema,
  },
  { name: 'worker command', decode: decodeCommand, valid: union(cluster.WorkerCommandSchemas) },
];
const SUBMISSION_CODES = ['INVALID_SUBMISSION', 'INVALID_SESSION_PROPERTY', 'QUERY_TEXT_TOO_LARGE'];

/** Decodes; a failure must be a QuarryError with the subject's code, and nothing else. */
function tryDecode(subject: Subject, value: unknown): { ok: boolean } {
  try {
    subject.decode(value);
    return { ok: true };
  } catch (e) {
    if (!(e instanceof QuarryError)) throw new Error(`${subject.name}: threw ${String(e)}`, { cause: e });
    expect(e.code).to.equal(subject.code ?? 'INVALID_MESSAGE');
    expect(e.message).to.match(/^Invalid /);
    return { ok: false };
  }
}

describe('message decoders, property-based (fast-check)', function () {
  this.timeout(60_000);

  for (const subject of SUBJECTS) {
    describe(subject.name, () => {
      const valid = arbitraryFor(subject.schema);

      it('accepts valid messages, which round-trip through msgpack unchanged', () => {
        fc.assert(
          fc.property(valid, (m) => {
            const back = subject.decode(decode(encode(m)));
            expect(withoutNegativeZero(back)).to.deep.equal(withoutNegativeZero(m));
          }),
          { numRuns: 200 },
        );
      });

      it('throws nothing but a QuarryError for any value at all', () => {
        fc.assert(
          fc.property(
            fc.anything({ withBigInt: true, withTypedArray: true, withNullPrototype: true, withMap: true }),
            (v) => void tryDecode(subject, v),
          ),
          { numRuns: 300 },
        );
      });

      it('throws nothing but a QuarryError for valid messages broken in one place', () => {
        fc.assert(
          fc.property(mutationOf(valid), (v) => void tryDecode(subject, v)),
          { numRuns: 300 },
        );
      });
    });
  }

  it('refuses ids that would act as NATS wildcards or path segments', () => {
    const heartbeat = fc.sample(arbitraryFor(cluster.HeartbeatSchema), 1)[0] as Record<string, unknown>;
    for (const workerId of ['>', '*', 'a.b', 'w1.>', '../w', 'a/b', '', 'x'.repeat(129), 7])
      expect(
        tryDecode(
          SUBJECTS.find((s) => s.name === 'heartbeat')!,
          { ...heartbeat, workerId },
        ).ok,
      ).to.equal(false);
  });

  it("refuses a heartbeat's memory figures out of bounds", () => {
    const heartbeat = fc.sample(arbitraryFor(cluster.HeartbeatSchema), 1)[0] as Record<string, unknown>;
    const decode = (fields: Record<string, unknown>) =>
      tryDecode(
        SUBJECTS.find((s) => s.name === 'heartbeat')!,
        { ...heartbeat, ...fields },
      ).ok;
    expect(decode({ memoryBytes: 2 ** 33, reservedBytes: 2 ** 32 })).to.equal(true);
    for (const bad of [-1, 1.5, '5', 2 ** 60, Number.NaN, null])
      for (const field of ['memoryBytes', 'reservedBytes'])
        expect(decode({ [field]: bad }), `${field}: ${String(bad)}`).to.equal(false);
  });

  it('refuses a session property named __proto__ (msgpack would rename it; it never round-trips)', () => {
    const submit = SUBJECTS.find((x) => x.name === 'submit')!;
    const session = JSON.parse('{"__proto__": "x"}') as Record<string, string>;
    expect(tryDecode(submit, { sql: 'select 1', session }).ok).to.equal(false);
    expect(
      tryDecode(submit, { sql: 'select 1', session: { _: 'x', _a: 'y', 'query.max-run-time': '1m' } }).ok,
    ).to.equal(true);
  });

  it('cuts errors to what the schemas accept, so a sender never makes a message its reader refuses', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 200_000, unit: 'binary' }),
        fc.integer({ min: 0, max: 200_000 }),
        (text, n) => {
          const message = text.repeat(Math.ceil(n / Math.max(1, text.length)) || 1);
          const error = client.boundedError({
            code: 'SYNTAX_ERROR',
            type: 'USER_ERROR' as const,
            message,
            stack: message,
          });
          expect(() => client.decoderFor(client.ErrorDataSchema, { name: 'error' })(error)).to.not.throw();
          if (message.length <= client.MAX_ERROR_MESSAGE) expect(error.message).to.equal(message);
        },
      ),
      { numRuns: 50 },
    );
  });

  for (const server of SERVER_DECODERS) {
    it(`${server.name}: valid messages pass, anything else is a QuarryError`, () => {
      const codes = server.name === 'coordinator submission' ? SUBMISSION_CODES : ['INVALID_MESSAGE'];
      const check = (v: unknown) => {
        try {
          server.decode(v);
        } catch (e) {
          expect(e).to.be.instanceOf(QuarryError);
          expect(codes).to.include((e as QuarryError).code);
        }
      };
      const valid = arbitraryFor(server.valid);
      fc.assert(
        fc.property(valid, (m) => {
          // a valid submission may still be refused for blank SQL; nothing else
          if (server.name === 'coordinator submission' && (m as { sql: string }).sql.trim() === '') return;
          // a command valid by its schema still carries an arbitrary plan fragment, which the
          // worker's validatePlanFragment may refuse: only as INVALID_MESSAGE
          if (server.name === 'worker command') return check(m);
          server.decode(m);
        }),
        { numRuns: 200 },
      );
      fc.assert(fc.property(fc.anything({ withBigInt: true, withTypedArray: true }), check), {
        numRuns: 300,
      });
      fc.assert(fc.property(mutationOf(valid), check), { numRuns: 300 });
    });
  }
});
