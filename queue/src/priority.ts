/** A request's own priority, as the API takes it. */
export type RequestPriority = 'high' | 'normal' | 'low';

const BANDS: Record<RequestPriority, number> = { high: 0, normal: 1, low: 2 };

/** BullMQ's highest priority number (its lowest priority). */
const LOWEST = 2_097_151;

/**
 * The BullMQ priority of a job (1 runs first): fairness first, its place among its tenant's
 * queued jobs (1 for the first), then the request's own priority within that place. So a
 * tenant's hundredth job waits behind every other tenant's first, whatever it asks for.
 */
export function bullmqPriority(position: number, priority: RequestPriority): number {
  return Math.min(LOWEST, (position - 1) * 3 + BANDS[priority] + 1);
}
