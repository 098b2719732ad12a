// What the page says, discreetly, about the service behind it (from GET /api/health).

/**
 * One line for the status area: the offline stand-in says it is not Bedrock, and Bedrock reached through an
 * endpoint override (a local stand-in, for instance) says where it really is.
 */
export function healthLine(health) {
  if (health?.mode === 'offline') return 'Offline stand-in — not Bedrock';
  const where = health?.bedrockEndpoint
    ? `Bedrock endpoint override: ${hostOf(health.bedrockEndpoint)}`
    : 'Amazon Bedrock';
  return [where, health?.region].filter(Boolean).join(' · ');
}

function hostOf(url) {
  try {
    return new URL(url).host;
  } catch {
    return String(url);
  }
}
