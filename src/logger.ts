import { pino } from 'pino';
import { config } from './config.js';

/** Structured JSON logs; one line per event, with the request id where there is one. */
export const logger = pino({
  level: config().LOG_LEVEL,
  base: { service: 'gba-ipnet' },
  redact: {
    paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'],
    censor: '[redacted]',
  },
});
