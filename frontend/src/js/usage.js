// What the chat costs the person: each answer's estimated cost, and today's use against the daily quota
// (GET /api/usage). Shown unobtrusively; the numbers are estimates from the deployment's price table.
import { resetTime } from './errors.js';

const tokens = new Intl.NumberFormat('en-US');

/**
 * An answer's estimated cost for its meta line, e.g. "$0.00024"; "< $0.000001" for a cost that rounds to nothing;
 * undefined when the server gave none (a model without a price, an older server).
 */
export function formatCost(costUsd) {
  const cost = typeof costUsd === 'string' ? Number(costUsd) : costUsd;
  if (typeof cost !== 'number' || !Number.isFinite(cost) || cost < 0) return undefined;
  if (cost === 0) return '< $0.000001';
  if (cost >= 0.01) return `$${cost.toFixed(2)}`;
  // Enough digits to show the first two that count, at most the six the server computes.
  const digits = Math.min(6, Math.max(2, 1 - Math.floor(Math.log10(cost))));
  return `$${cost.toFixed(digits).replace(/0+$/, '')}`;
}

/** The cost label of an answer, with what it is, for its meta line: "≈ $0.00024". */
export function costLabel(costUsd) {
  const cost = formatCost(costUsd);
  return cost === undefined ? undefined : `≈ ${cost}`;
}

/**
 * Today's use as one short line and a longer title.
 * @param {object} report the answer of GET /api/usage
 * @returns {{ text: string, title: string, spent: boolean } | undefined}
 */
export function usageSummary(report, now = new Date()) {
  const today = report?.today;
  const quota = report?.quota ?? {};
  if (!today || typeof today.totalTokens !== 'number') return undefined;
  const cost = formatCost(today.costUsd) ?? '$0';
  const parts = [];
  if (typeof quota.dailyTokens === 'number') {
    parts.push(`${tokens.format(today.totalTokens)} of ${tokens.format(quota.dailyTokens)} tokens`);
  } else {
    parts.push(`${tokens.format(today.totalTokens)} tokens`);
  }
  if (typeof quota.dailyUsd === 'number') parts.push(`${cost} of $${quota.dailyUsd}`);
  else parts.push(cost);
  const spent = (typeof quota.remainingTokens === 'number' && quota.remainingTokens <= 0)
    || (typeof quota.remainingUsd === 'number' && quota.remainingUsd <= 0);
  const reset = quota.resetsAt ? resetTime(quota.resetsAt, now) : '';
  const month = report.month && typeof report.month.totalTokens === 'number'
    ? ` This month: ${tokens.format(report.month.totalTokens)} tokens, ${formatCost(report.month.costUsd) ?? '$0'}.` : '';
  const title = `Today: ${parts.join(', ')} (${today.requests ?? 0} answers; estimated cost).${month}`
    + (reset ? ` The daily count starts again ${reset} (midnight UTC).` : '');
  return { text: `Today: ${parts.join(' · ')}${spent ? ' — quota used up' : ''}`, title, spent };
}

/**
 * The usage line on the page: refreshed when asked (after each answer); a failure to read it hides the line rather
 * than bother the person.
 * @param {{ usage(): Promise<object> }} api
 * @param {{ textContent: string, title: string, hidden: boolean, dataset: object }} element
 */
export function createUsageIndicator({ api, element, now = () => new Date() }) {
  let latest = 0;
  return {
    async refresh() {
      const call = ++latest;
      try {
        const summary = usageSummary(await api.usage(), now());
        if (call !== latest) return;
        if (!summary) {
          element.hidden = true;
          return;
        }
        element.textContent = summary.text;
        element.title = summary.title;
        element.dataset.state = summary.spent ? 'spent' : 'ok';
        element.hidden = false;
      } catch {
        if (call === latest) element.hidden = true;
      }
    },
  };
}
