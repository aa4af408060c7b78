import type { CertKey } from './cert-vi.ts';

export const certEn: Record<CertKey, string> = {
  'cert.button': 'Save the certificate',
  'cert.busy': 'Making the certificate…',
  'cert.saved': 'The certificate was made. Find it in your downloads.',
  'cert.failed': 'The certificate could not be made on this device.',
  'cert.title': 'CERTIFICATE',
  'cert.subtitle': 'of participation in the contest',
  'cert.certifies': 'This certifies that',
  'cert.unit': 'Organization: {unit}',
  'cert.round': 'Round: {round}',
  'cert.score': 'Result: {n}/{total} correct answers',
  'cert.date': '{d}/{m}/{y}',
};
