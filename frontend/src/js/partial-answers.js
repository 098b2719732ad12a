// The words for an answer the server kept only in part (a message with partial: true and a partialReason).

/** The server's reasons (openapi.yaml, Message.partialReason), each in words. */
const SERVER_REASONS = {
  client_disconnected: 'it was stopped before it finished',
  answer_timeout: 'it took longer than an answer may take',
  model_timeout: 'the model took too long',
  model_error: 'the model stopped with an error',
  max_tokens: 'it reached the length limit',
};

/** Words for reasons the server does not name (yet), by what they say. */
const REASONS = [
  [/stop|cancel|abort|disconnect|client/i, 'it was stopped before it finished'],
  [/timeout|timed.?out|deadline/i, 'the model took too long'],
  [/throttl|rate/i, 'too many requests'],
  [/max.?tokens|length|limit/i, 'it reached the length limit'],
  [/error|fail|unavailable|interrupt/i, 'the model stopped with an error'],
];

/** "Answer cut off: …" for a kept partial answer, saying why when the reason is known. */
export function partialNote(reason) {
  const text = typeof reason === 'string' ? reason.trim() : '';
  if (text === '') return 'Answer cut off before it finished';
  if (Object.hasOwn(SERVER_REASONS, text)) return `Answer cut off: ${SERVER_REASONS[text]}`;
  const known = REASONS.find(([pattern]) => pattern.test(text));
  if (known) return `Answer cut off: ${known[1]}`;
  const plain = text.replace(/[_-]+/g, ' ').replace(/\s+/g, ' ');
  return `Answer cut off: ${plain.length > 120 ? `${plain.slice(0, 119)}…` : plain}`;
}
