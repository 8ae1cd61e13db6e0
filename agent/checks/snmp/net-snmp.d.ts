/** The part of net-snmp 3.29 (untyped CommonJS) that Outpost uses. Values stay `unknown`: devices are untrusted. */
declare module 'net-snmp' {
  import type { EventEmitter } from 'node:events';

  export interface Varbind {
    oid: string;
    type: number;
    value: unknown;
  }

  export interface SessionOptions {
    port?: number;
    retries?: number;
    timeout?: number;
    backoff?: number;
    transport?: 'udp4' | 'udp6';
    version?: number;
    idBitsSize?: 16 | 32;
    context?: string;
    backwardsGetNexts?: boolean;
  }

  export interface User {
    name: string;
    level: number;
    authProtocol?: number;
    authKey?: string;
    privProtocol?: number;
    privKey?: string;
  }

  export interface Session extends EventEmitter {
    get(oids: string[], callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, callback: (error: Error | null, varbinds?: Varbind[]) => void): void;
    subtree(oid: string, maxRepetitions: number, feed: (varbinds: Varbind[]) => boolean | void, done: (error: Error | null) => void): void;
    close(): void;
    /** SNMPv3: set once the device answered engine discovery (its engine id, boots and time). */
    msgSecurityParameters?: unknown;
  }

  export interface Notification {
    pdu: {
      type: number;
      varbinds?: Varbind[];
      enterprise?: string;
      agentAddr?: string;
      generic?: number;
      specific?: number;
      upTime?: number;
      community?: string;
      user?: string;
    };
    rinfo: { address: string; port: number; family: string };
  }

  export interface Authorizer {
    addCommunity(community: string): void;
    addUser(user: User): void;
  }

  export interface ReceiverOptions {
    port?: number;
    address?: string | null;
    transport?: 'udp4' | 'udp6';
    disableAuthorization?: boolean;
    includeAuthentication?: boolean;
    engineID?: string;
    dgramModule?: { createSocket(type: 'udp4' | 'udp6'): import('node:dgram').Socket };
  }

  export interface Receiver {
    getAuthorizer(): Authorizer;
    close(callback?: () => void): void;
  }

  export class ResponseInvalidError extends Error {
    code: number;
  }
  export class RequestTimedOutError extends Error {}
  export class RequestFailedError extends Error {
    status: number;
  }

  const snmp: {
    createSession(target: string, community: string, options: SessionOptions): Session;
    createV3Session(target: string, user: User, options: SessionOptions): Session;
    createReceiver(options: ReceiverOptions, callback: (error: Error | null, notification: Notification | null) => void): Receiver;
    isVarbindError(varbind: Varbind): boolean;
    Version1: number;
    Version2c: number;
    Version3: number;
    SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number };
    AuthProtocols: Record<"md5" | "sha" | "sha224" | "sha256" | "sha384" | "sha512", number>;
    PrivProtocols: Record<"des" | "aes" | "aes256b" | "aes256r", number>;
    ResponseInvalidError: typeof ResponseInvalidError;
    RequestTimedOutError: typeof RequestTimedOutError;
    RequestFailedError: typeof RequestFailedError;
  };
  export default snmp;
}
