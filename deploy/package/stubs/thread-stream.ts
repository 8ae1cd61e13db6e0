/** Stand-in for pino's `thread-stream` (only pino.transport() uses it; the agent logs to stdout). */
export default function ThreadStream(): never {
  throw new Error('pino transports are not available in the agent');
}
