// The web app's Content-Security-Policy, one source for CloudFront (infra/stacks/web.ts) and the
// local static server, so what is tested locally is what runs on AWS.
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // The inlined entry stylesheet, Svelte transitions and component styles.
  "style-src 'self' 'unsafe-inline'",
  // data: and blob: for QR codes and generated downloads.
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');
