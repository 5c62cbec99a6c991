import test from 'ava';
import { GATEWAY_ERROR_CODES, GW_ERRORS, gatewayError, isGatewayErrorCode } from '../../policies/errors.ts';
import { TOKEN_ERRORS } from '../../policies/tokens.ts';

test('every code is GW_ upper snake case with a 4xx or 5xx status', (t) => {
  t.true(GATEWAY_ERROR_CODES.length > 0);
  for (const code of GATEWAY_ERROR_CODES) {
    t.regex(code, /^GW_[A-Z0-9]+(_[A-Z0-9]+)*$/);
    const { status } = GW_ERRORS[code];
    t.true(Number.isInteger(status) && status >= 400 && status <= 599, code);
  }
});

test('messages are fixed one-line public text with nothing to fill in', (t) => {
  for (const code of GATEWAY_ERROR_CODES) {
    const { message, when } = GW_ERRORS[code];
    t.regex(message, /^[\x20-\x7e]+$/, code);
    t.notRegex(message, /%s|\$\{|\{\}|<|>/, code);
    t.true(when.length > 10, code);
  }
});

test('refusals that need a Retry-After are 429s', (t) => {
  for (const code of ['GW_RATE_LIMITED', 'GW_TOO_MANY_CONNECTIONS', 'GW_TOO_MANY_STREAMS', 'GW_TOKEN_IN_USE'] as const) t.is(GW_ERRORS[code].status, 429);
});

test('lookups: isGatewayErrorCode and gatewayError', (t) => {
  t.true(isGatewayErrorCode('GW_NOT_FOUND'));
  t.false(isGatewayErrorCode('RELAY_NOT_FOUND'));
  t.false(isGatewayErrorCode('toString'));
  t.is(gatewayError('GW_METHOD_NOT_ALLOWED').status, 405);
});

test('every token refusal maps to a catalogued code', (t) => {
  for (const code of Object.values(TOKEN_ERRORS)) t.true(isGatewayErrorCode(code), code);
});
