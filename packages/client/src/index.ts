export {
  QuarryClient,
  QueryHandle,
  type ClientOptions,
  type SubmitOptions,
  type QueryResult,
} from './client.js';
export type {
  QueryEvent,
  ResultColumn,
  ResultsPage,
  ClusterInfo,
  ClusterLoad,
  QueryListing,
  CancelReply,
  ExternalValue,
} from '@quarry/protocol';
export type { NatsAuth, NatsTls } from '@quarry/runtime';
