import { randomInt } from 'node:crypto';

const adjectives = ['brave', 'calm', 'eager', 'fancy', 'gentle', 'happy', 'jolly', 'keen', 'lively', 'merry', 'nimble', 'proud', 'quiet', 'rapid', 'sunny', 'tidy', 'vivid', 'witty', 'zesty', 'bold'];
const nouns = ['hopper', 'lovelace', 'turing', 'knuth', 'ritchie', 'thompson', 'liskov', 'hamilton', 'dijkstra', 'lamport', 'torvalds', 'wirth', 'backus', 'kay', 'engelbart', 'perlman', 'allen', 'goldberg', 'moore', 'stallman'];

/** A readable random name for a template version when none is given (`merry-lamport-42`). */
export function randomVersionName(): string {
  return `${adjectives[randomInt(adjectives.length)]}-${nouns[randomInt(nouns.length)]}-${randomInt(10, 100)}`;
}
