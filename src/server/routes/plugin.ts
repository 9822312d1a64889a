// The shape of a route plugin: one area of the API (records, reports, lists, …) registered with the context.
import type { ServerApp } from '../app.js';
import type { ServerContext } from '../context.js';

export interface RoutePlugin {
  name: string;
  register(app: ServerApp, ctx: ServerContext): Promise<void> | void;
}
