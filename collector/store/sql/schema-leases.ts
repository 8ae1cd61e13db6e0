/** Row type of job_leases (both engines; integers as numbers): written only by ./leases.ts. */

export interface JobLeasesTable {
  name: string;
  holder: string;
  acquired_at_ms: number;
  renewed_at_ms: number;
  expires_at_ms: number;
  fence: number;
}

export interface LeaseTables {
  job_leases: JobLeasesTable;
}
