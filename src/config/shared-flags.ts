// Flags the provider and the function both take, declared once so that they mean the same in both.
import { logFormats } from '../log/logger.ts';
import { booleanFlag, oneOf } from './flag-types.ts';

export const helpFlag = booleanFlag({ short: 'h', help: 'Show this help and exit.' });

export const debugFlag = booleanFlag({ short: 'd', help: 'Log at debug level.' });

export const logFormatFlag = oneOf(logFormats, {
  env: 'LOG_FORMAT',
  default: 'json',
  help: 'json (one JSON object per line) or text (for terminals).',
});
