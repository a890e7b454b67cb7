export {
  QuarryClient,
  QueryHandle,
  type ClientOptions,
  type SubmitOptions,
  type QueryResult,
} from './client.js';
export type { QueryEvent, ResultColumn, ResultsPage } from '@quarry/protocol';
