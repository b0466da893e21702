export interface TestCa {
  caPem: string;
  certPem: string;
  keyPem: string;
}
export function createTestCa(names?: string[]): TestCa;
