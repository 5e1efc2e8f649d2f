/**
 * `GET /channels`: the distribution's health per channel (operators only). Uses the distribution this
 * process runs when there is one (queue depths, bus health), else the database and `config/channels`.
 */
import type { Route } from '../http/types';
import { gwError } from '../../core/errors';
import { loadChannels } from '../../config/channels/validate';
import { activeDistribution, channelsDir } from './distribution';
import { distributionStatus } from './status';

export const routes: Route[] = [
  {
    method: 'GET',
    pattern: '/channels',
    auth: true,
    async handler(req, deps) {
      if (!req.actor || req.actor.kind !== 'operator') throw gwError('GW_FORBIDDEN', 'only the hub operator may see channel status');
      const dist = activeDistribution();
      const st = dist ? await dist.status() : await distributionStatus({ db: deps.db, channels: loadChannels(channelsDir()) });
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(st) };
    },
  },
];
