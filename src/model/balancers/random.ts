// `random`: a uniform (or weighted) independent draw per attempt — Postfix's `randmap:`
// over per-IP transports, Exim's random `interface` list (DOMAIN.md, "How pools pick").
import { AliasTable } from "../../engine/index.js";
import type { Balancer, PoolView } from "./balancer.js";

export class RandomBalancer implements Balancer {
  private readonly table: AliasTable | null;
  constructor(
    private readonly pool: PoolView,
    weights?: readonly number[],
  ) {
    this.table = weights ? new AliasTable(weights) : null;
  }
  pick(): number {
    const random = this.pool.random;
    return this.table === null ? Math.floor(random() * this.pool.servers) : this.table.sample(random);
  }
}
