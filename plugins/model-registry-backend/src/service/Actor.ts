/** Who makes a change, and the request it came with. */
export interface Actor {
  /** Entity ref of the user, or `service:<subject>` for a calling service. */
  ref: string;
  requestId?: string;
}
