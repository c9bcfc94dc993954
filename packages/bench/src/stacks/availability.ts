/** Whether a stack can run on this machine; when it cannot, why and how to fix it. */
export type Availability = { available: true; detail?: string } | { available: false; reason: string; remedy: string };

export const available = (detail?: string): Availability =>
  detail === undefined ? { available: true } : { available: true, detail };

export const unavailable = (reason: string, remedy: string): Availability => ({ available: false, reason, remedy });
