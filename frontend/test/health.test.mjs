import { test } from 'node:test';
import assert from 'node:assert/strict';
import { healthLine } from '../src/js/health.js';

test('Bedrock in its region', () => {
  assert.equal(healthLine({ mode: 'bedrock', region: 'eu-west-1' }), 'Amazon Bedrock · eu-west-1');
});

test('the offline stand-in says it is not Bedrock', () => {
  assert.equal(healthLine({ mode: 'offline', region: 'us-east-1' }), 'Offline stand-in — not Bedrock');
});

test('an endpoint override is named, so a local stand-in is never taken for Amazon Bedrock', () => {
  assert.equal(healthLine({ mode: 'bedrock', region: 'us-east-1', bedrockEndpoint: 'http://127.0.0.1:43121' }),
    'Bedrock endpoint override: 127.0.0.1:43121 · us-east-1');
});

test('an unexpected health body still gives a line', () => {
  assert.equal(healthLine(undefined), 'Amazon Bedrock');
  assert.equal(healthLine({ mode: 'bedrock', bedrockEndpoint: 'not a url' }), 'Bedrock endpoint override: not a url');
});
