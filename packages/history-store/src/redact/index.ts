export { type RedactOptions, redactHistory } from './redact.ts';
