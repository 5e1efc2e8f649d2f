import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { loadChannels, validateChannel } from '../config/channels/validate';
import { channelsDir } from '../adapters/channels/distribution';
import { mappingSource, mappingsDir } from '../adapters/channels/mapping';
import { bindingsFor, routingKey } from '../adapters/channels/routing';
import { topicMatches } from '../adapters/bus/types';
import { tempDir } from './support/ari-world';

describe('ARI channel definitions', () => {
  it('loads the shipped channels and their code tables', () => {
    const channels = loadChannels(channelsDir(), {});
    assert.ok(channels.length >= 2);
    for (const c of channels) assert.ok(mappingSource(c.mapping, mappingsDir()).get().byProduct.size > 0, c.name);
  });

  it('stops start-up with a message naming the file and the key', () => {
    const dir = tempDir('ari-cfg');
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ name: 'bad', endpoint: 'http://x', sells: { providers: ['A'] }, prefetch: 5000 }));
    assert.throws(() => loadChannels(dir), /bad\.json: "prefetch" must be an integer in 1\.\.1000/);
    assert.throws(() => validateChannel({ name: 'x', endpoint: '${NOPE}', sells: { providers: ['A'] } }, 'x.json', {}), /environment variable NOPE is not set/);
    assert.throws(() => validateChannel({ name: 'x', endpoint: 'http://x', sells: {} }), /"sells" lists nothing/);
    assert.throws(() => validateChannel({ name: 'x', endpoint: 'http://x', sells: { providers: ['A'] }, colour: 1 }), /unknown key "colour"/);
  });

  it('routes a change to a channel exactly when the channel sells it', () => {
    const cfg = { sells: { providers: ['QCA-SAFWA'], products: ['MED-ANSAR-DBL'], ratePlans: ['X.Y-BAR'] } };
    const sells = (key: string) => bindingsFor(cfg).some((b) => topicMatches(b, key));
    const base = { id: '1', seq: 1, day: '2030-01-01', createdAt: '', state: {} as never };
    assert.ok(sells(routingKey({ ...base, kind: 'availability', providerId: 'QCA-SAFWA', productId: 'QCA-SAFWA-DBL' })));
    assert.ok(sells(routingKey({ ...base, kind: 'rate', providerId: 'MED-ANSAR', productId: 'MED-ANSAR-DBL', ratePlanId: 'MED-ANSAR-DBL-BAR' })));
    assert.ok(sells(routingKey({ ...base, kind: 'rate', providerId: 'P', productId: 'X.Y', ratePlanId: 'X.Y-BAR' })));
    assert.ok(!sells(routingKey({ ...base, kind: 'availability', providerId: 'P', productId: 'X.Y' })), 'a rate plan alone does not sell availability');
    assert.ok(!sells(routingKey({ ...base, kind: 'availability', providerId: 'QCA-AJYAD', productId: 'QCA-AJYAD-TRP' })));
  });
});
