// Every 4xx/5xx response of an operation must be RFC 9457 problem+json with the shared Problem
// schema, and every operation must document at least one error. Runs on the unresolved document,
// so the $ref to Problem itself is checked.
const PROBLEM = '#/components/schemas/Problem';
const MEDIA = 'application/problem+json';

// Follows a local $ref (#/components/responses/X) in the unresolved document.
function resolveLocal(value, context) {
  if (!value || typeof value.$ref !== 'string' || !value.$ref.startsWith('#/')) {
    return value;
  }
  let target = context.document.data;
  for (const part of value.$ref.substring(2).split('/')) {
    target = target && target[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return target;
}

export default (responses, _options, context) => {
  if (responses === null || typeof responses !== 'object') {
    return;
  }
  const where = context.path.join('.');
  const errors = [];
  const codes = Object.keys(responses).filter((code) => /^[45]/.test(code) || code === 'default');
  if (codes.length === 0) {
    errors.push({
      message: `${where}: documents no 4xx/5xx response (ProblemResponsesFilter adds them to /api/ paths)`,
    });
  }
  for (const code of codes) {
    const response = resolveLocal(responses[code], context);
    const content = (response && response.content) || {};
    const media = Object.keys(content);
    const schema = content[MEDIA] && content[MEDIA].schema;
    if (media.length !== 1 || !schema || schema.$ref !== PROBLEM) {
      errors.push({
        message:
          `${where}.${code}: error responses must have exactly one body, ${MEDIA} with` +
          ` $ref ${PROBLEM} (found: ${media.join(', ') || 'no content'}); do not declare` +
          ` @APIResponse content for errors, ProblemResponsesFilter adds it`,
        path: [...context.path, code],
      });
    }
  }
  return errors;
};
