// Checks of what Aivo Live documents for the queue and client-message calls, written here from
// the spec (not imported from @botgate/aivo): the simulator is an independent witness of the
// contract, so a mistake in the desk's schemas cannot hide behind the same mistake here.

export type SimJson = Record<string, unknown>;

function isObject(value: unknown): value is SimJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const isInteger = (value: unknown): boolean => typeof value === 'number' && Number.isInteger(value);
const isString = (value: unknown): value is string => typeof value === 'string';

/** Problems with a queue body (empty when it matches spec §2.1). */
export function checkQueueBody(body: unknown): string[] {
  if (!isObject(body)) return ['body must be a JSON object'];
  const problems: string[] = [];
  if (!isInteger(body.botId)) problems.push('botId must be an integer');
  if (!Array.isArray(body.groupsId) || body.groupsId.length === 0 || !body.groupsId.every(isInteger)) problems.push('groupsId must be a non-empty array of integers');
  if (!isString(body.botToken) || !body.botToken) problems.push('botToken must be a string');
  if (body.protocolId !== 28) problems.push('protocolId must be 28');
  if (body.status !== 'queued') problems.push('status must be "queued"');
  if (body.lastSender !== 'user') problems.push('lastSender must be "user"');
  const user = body.user;
  if (!isObject(user)) return [...problems, 'user must be an object'];
  if (!isString(user.hash) || !/^[A-Za-z0-9]+$/.test(user.hash)) problems.push('user.hash must be alphanumeric');
  for (const field of ['firstname', 'lastname', 'email', 'phone']) {
    if (!isString(user[field])) problems.push(`user.${field} must be a string`);
  }
  if (!('extra' in user) || (user.extra !== null && typeof user.extra !== 'object')) problems.push('user.extra must be an object or a list');
  return problems;
}

export interface SimClientMessageItem {
  action: 'text' | 'file' | 'image';
  value: string;
  source: 'user';
}

/** Problems with a client-message body: {message: [{action, value, source: "user"}]}. */
export function checkClientMessageBody(body: unknown): string[] {
  if (!isObject(body) || !Array.isArray(body.message) || body.message.length === 0) return ['message must be a non-empty array'];
  const problems: string[] = [];
  body.message.forEach((item: unknown, i: number) => {
    if (!isObject(item)) return problems.push(`message[${i}] must be an object`);
    if (!['text', 'file', 'image'].includes(String(item.action))) problems.push(`message[${i}].action must be text, file or image`);
    if (!isString(item.value) || !item.value) problems.push(`message[${i}].value must be a non-empty string`);
    if (item.source !== 'user') problems.push(`message[${i}].source must be "user"`);
    return undefined;
  });
  return problems;
}
