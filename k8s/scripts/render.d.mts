export const K8S: string;
export const RULE_FILE: string;
export const STACK_FILE: string;
export const DASHBOARD_FILE: string;
export function grafanaDashboard(): string;
export function prometheusRule(): string;
export function build(directory: string): string;
export function stackManifest(): string;
