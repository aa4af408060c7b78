import { httpApi, json } from '../adapters/http/api.ts';
import { assertStartProof, START_PROOF_HEADER } from '../adapters/http/start-proof.ts';
import { PhoneNameMismatch, ValidationFailed } from '../domain/errors.ts';
import { normalizePhone } from '../domain/phone.ts';
import { clientKey, sharedPhoneLimit, startLimit, startProofBits } from './abuse.ts';
import { attemptCases } from './composition.ts';

function idempotencyKey(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9_-]{22,64}$/.test(value)) {
    throw new ValidationFailed([{ field: 'Idempotency-Key', message: '22 to 64 url-safe characters' }]);
  }
  return value;
}

export const handler = httpApi({
  'POST /api/contests/{contestId}/attempts': async ({ params, body, headers, event }) => {
    const key = idempotencyKey(headers['idempotency-key']);
    // Cheapest refusals first: the proof costs a hash, the rate limit one write, the start several.
    assertStartProof(headers[START_PROOF_HEADER], {
      contestId: params.contestId,
      phone: normalizePhone(body.phone) ?? body.phone,
      bits: startProofBits,
      nowMs: Date.now(),
    });
    const client = clientKey(event, headers);
    await startLimit.take(client);
    try {
      return json(201, await attemptCases.start(params.contestId, body, key));
    } catch (e) {
      // Each answer naming another registration (initials only) is counted per address: the refusal
      // cannot be used to look people up by phone number.
      if (e instanceof PhoneNameMismatch) {
        await sharedPhoneLimit.check(client);
        await sharedPhoneLimit.fail(client);
      }
      throw e;
    }
  },
  'GET /api/attempts/{attemptId}': async ({ params, attemptToken }) => json(200, await attemptCases.resume(params.attemptId, attemptToken)),
  'PUT /api/attempts/{attemptId}/answers': async ({ params, attemptToken, body }) =>
    json(200, await attemptCases.save(params.attemptId, attemptToken, body.answers)),
  'POST /api/attempts/{attemptId}/submit': async ({ params, attemptToken, body }) =>
    json(200, await attemptCases.submit(params.attemptId, attemptToken, body)),
});
