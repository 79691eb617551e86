import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../../context.js';
import { announceAlerts } from './alert-hub.js';

/**
 * After every mutation (its transactions committed), the instances are woken to read the alert
 * log. Services need not remember to: any of them may have written alerts, in their own
 * transactions or in a seat placement pass.
 */
export function useAlertAnnouncer(): Plugin<Context> {
  return {
    onExecute({ args }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'mutation') return;
      return { onExecuteDone: () => announceAlerts() };
    },
  };
}
