// Each answer's cost and the day's use against the quota, as the page shows them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { costLabel, createUsageIndicator, formatCost, usageSummary } from '../src/js/usage.js';
import { ApiError, apiErrorFrom, describeError, quotaSpentMessage, resetTime } from '../src/js/errors.js';

test('costs show their first two significant digits, at most six decimals', () => {
  assert.equal(formatCost(0.00024), '$0.00024');
  assert.equal(formatCost(0.000240), '$0.00024');
  assert.equal(formatCost(0.004420), '$0.0044');
  assert.equal(formatCost(0.000001), '$0.000001');
  assert.equal(formatCost(0.0123), '$0.01');
  assert.equal(formatCost(1.5), '$1.50');
  assert.equal(formatCost(0), '< $0.000001');
  assert.equal(formatCost('0.000240'), '$0.00024');
  assert.equal(formatCost(null), undefined);
  assert.equal(formatCost(undefined), undefined);
  assert.equal(formatCost(-1), undefined);
  assert.equal(costLabel(0.00024), '≈ $0.00024');
  assert.equal(costLabel(null), undefined);
});

const REPORT = {
  principal: { kind: 'oidc', name: 'Ada' },
  today: { inputTokens: 1000, outputTokens: 500, totalTokens: 1500, costUsd: 0.00024, requests: 1 },
  month: { inputTokens: 52310, outputTokens: 20811, totalTokens: 73121, costUsd: 0.008134, requests: 48 },
  quota: { dailyTokens: 200000, dailyUsd: null, remainingTokens: 198500, remainingUsd: null, resetsAt: '2026-12-02T00:00:00Z' },
};

test('the day’s use is shown against the quota, with the month and the reset in the title', () => {
  const summary = usageSummary(REPORT, new Date('2026-12-01T22:00:00Z'));
  assert.equal(summary.text, 'Today: 1,500 of 200,000 tokens · $0.00024');
  assert.equal(summary.spent, false);
  assert.match(summary.title, /^Today: 1,500 of 200,000 tokens, \$0\.00024 \(1 answers; estimated cost\)\. This month: 73,121 tokens, \$0\.0081\. The daily count starts again .+ \(midnight UTC\)\.$/);
});

test('without a quota only the use is shown; a spent one says so', () => {
  const unlimited = usageSummary({ ...REPORT, quota: { dailyTokens: null, dailyUsd: null, remainingTokens: null, remainingUsd: null, resetsAt: '2026-12-02T00:00:00Z' } });
  assert.equal(unlimited.text, 'Today: 1,500 tokens · $0.00024');
  assert.equal(unlimited.spent, false);

  const spent = usageSummary({ ...REPORT, quota: { dailyTokens: null, dailyUsd: 0.0002, remainingTokens: null, remainingUsd: 0, resetsAt: '2026-12-02T00:00:00Z' } });
  assert.equal(spent.text, 'Today: 1,500 tokens · $0.00024 of $0.0002 — quota used up');
  assert.equal(spent.spent, true);
  assert.equal(usageSummary({}), undefined);
});

test('the indicator shows the latest report and hides itself when usage cannot be read', async () => {
  const element = { textContent: '', title: '', hidden: true, dataset: {} };
  let answer = Promise.resolve(REPORT);
  const indicator = createUsageIndicator({ api: { usage: () => answer }, element, now: () => new Date('2026-12-01T22:00:00Z') });

  await indicator.refresh();
  assert.equal(element.hidden, false);
  assert.equal(element.textContent, 'Today: 1,500 of 200,000 tokens · $0.00024');
  assert.equal(element.dataset.state, 'ok');

  answer = Promise.reject(new ApiError({ status: 503, code: 'StorageUnavailable' }));
  await indicator.refresh();
  assert.equal(element.hidden, true);
});

test('a spent quota reads the envelope’s resetsAt and is not offered for retry', () => {
  const error = apiErrorFrom(429, { error: {
    code: 'QuotaExceeded',
    message: 'You have used your daily quota of US$0.50 (an estimated US$0.51 used today); it resets at midnight UTC (2026-12-02T00:00:00Z)',
    requestId: 'r-9',
    retryAfterSeconds: 7200,
    resetsAt: '2026-12-02T00:00:00Z',
  } });
  assert.equal(error.code, 'QuotaExceeded');
  assert.equal(error.resetsAt, '2026-12-02T00:00:00Z');
  const now = new Date('2026-12-01T22:00:00Z');
  const shown = describeError(error, now);
  assert.equal(shown.retryable, false);
  assert.equal(shown.quota, true);
  assert.equal(shown.reference, 'Reference: r-9');
  const when = resetTime('2026-12-02T00:00:00Z', now);
  assert.equal(shown.message, `You have used your daily quota of US$0.50 (an estimated US$0.51 used today). It starts again ${when} (midnight UTC).`);
  assert.equal(quotaSpentMessage(new ApiError({ status: 429, code: 'QuotaExceeded' })), 'You have used your daily quota. It starts again at midnight UTC.');
});
