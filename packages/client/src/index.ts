export { QuarryClient, type ClientOptions, type SubmitOptions } from './client.js';
export { QueryHandle, type QueryResult } from './handle.js';
export type { ResultFormat, RowsOptions } from './page-window.js';
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
