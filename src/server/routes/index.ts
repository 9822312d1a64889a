// The server's route plugins, one per area. A later area adds one line here (see docs/decisions/0090).
import { accessPlugin } from './access.js';
import { channelsPlugin } from './channels.js';
import { adminPlugin } from './admin.js';
import { decisionsPlugin } from './decisions.js';
import { dueProcessPlugin } from './dueprocess.js';
import { feedsPlugin } from './feeds.js';
import { healthPlugin } from './health.js';
import { labPlugin } from './lab.js';
import { listsPlugin } from './lists.js';
import { mePlugin } from './me.js';
import { officeConsolePlugin } from './office-console.js';
import { officePlugin } from './office.js';
import { portalPlugin } from './portal.js';
import { queuePlugin } from './queue.js';
import type { RoutePlugin } from './plugin.js';
import { recordsPlugin } from './records.js';
import { reportsPlugin } from './reports.js';
import { webAppPlugin } from './webapp.js';

export type { RoutePlugin } from './plugin.js';

export const routePlugins: RoutePlugin[] = [
  healthPlugin,
  adminPlugin,
  recordsPlugin,
  reportsPlugin,
  accessPlugin,
  listsPlugin,
  officePlugin,
  feedsPlugin,
  decisionsPlugin,
  dueProcessPlugin,
  portalPlugin,
  mePlugin,
  queuePlugin,
  channelsPlugin,
  officeConsolePlugin,
  labPlugin,
  webAppPlugin,
];
