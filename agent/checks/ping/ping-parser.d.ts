/** Types for the `ping` package's own output parser (not covered by @types/ping). */
declare module 'ping/lib/parser/factory.js' {
  interface PingParserResult {
    alive: boolean;
    min: string;
    max: string;
    avg: string;
    stddev: string;
    packetLoss: string;
  }
  interface PingParser {
    eat(line: string): void;
    getResult(): PingParserResult;
  }
  const factory: { createParser(addr: string, platform: string, config?: Record<string, unknown>): PingParser };
  export default factory;
}
