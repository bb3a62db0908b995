// `least-connections`: the server with the fewest SMTP sessions in progress, ties broken
// uniformly at random (HAProxy `balance leastconn`). It reads the session counts the model
// keeps, so a busy pool spreads attempts and an idle one behaves like `random`.
import type { Balancer, PoolView } from "./balancer.js";

export class LeastConnectionsBalancer implements Balancer {
  constructor(private readonly pool: PoolView) {}

  pick(): number {
    const { sessions, random } = this.pool;
    // Two passes (find the minimum and count its ties, then take the j-th tie) cost one
    // random draw per pick, where reservoir sampling would draw once per tie.
    let least = sessions[0];
    let ties = 1;
    for (let v = 1; v < sessions.length; v++) {
      const s = sessions[v];
      if (s < least) {
        least = s;
        ties = 1;
      } else if (s === least) {
        ties++;
      }
    }
    let j = ties === 1 ? 0 : Math.floor(random() * ties);
    for (let v = 0; v < sessions.length; v++) {
      if (sessions[v] === least && j-- === 0) return v;
    }
    return 0;
  }
}
