/**
 * The interface names of each polled device as its snmp check last read them (ifIndex → ifName/ifDescr), so a
 * linkDown/linkUp trap that carries only ifIndex names the interface. Shared by the agent's snmp checks (writers)
 * and the trap receiver (reader); small and dependency-free, so the agent creates it without loading net-snmp.
 */
export interface InterfaceNames {
  name: string;
  descr: string;
}

export interface InterfaceDirectory {
  /** Replaces what is known of `host` (the snmp check's `host:`) with its last poll's interfaces. */
  record(host: string, interfaces: ReadonlyMap<number, InterfaceNames>): void;
  lookup(host: string, ifIndex: number): InterfaceNames | undefined;
}

export function createInterfaceDirectory(): InterfaceDirectory {
  const byHost = new Map<string, ReadonlyMap<number, InterfaceNames>>();
  return {
    record(host, interfaces) {
      byHost.set(host, interfaces);
    },
    lookup(host, ifIndex) {
      return byHost.get(host)?.get(ifIndex);
    },
  };
}
