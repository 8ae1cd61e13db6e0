/** First argument that turns the packaged agent into its inventory worker (agent/inventory-worker.ts). */
export const INVENTORY_WORKER_ARG = '__inventory-worker';
