// `least-connections`: the server with the fewest SMTP sessions in progress, ties broken
// uniformly at random (HAProxy `balance leastconn`). It reads the session counts the model
// keeps, so a busy pool spreads attempts and an idle one behaves like `random`.
import type { Balancer, PoolView } from "./balancer.js";

export class LeastConnectionsBalancer implements Balancer {
  constructor(private readonly pool: PoolView) {}

  pick(): number {
    const { sessions, random } = this.pool;
    let best = 0;
    let ties = 1;
    for (let v = 1; v < sessions.length; v++) {
      if (sessions[v] < sessions[best]) {
        best = v;
        ties = 1;
      } else if (sessions[v] === sessions[best]) {
        // Reservoir sampling over the tied servers: each ends up chosen with probability 1/ties.
        ties++;
        if (random() * ties < 1) best = v;
      }
    }
    return best;
  }
}
