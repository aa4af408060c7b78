// Configuration is read once, at cold start, and a missing value fails the start loudly
// instead of surfacing later as a confusing 500.
export function requireEnv(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') throw new Error(`Missing required environment variable ${name}`);
  return value;
}

export const optionalEnv = (name: string): string | undefined => process.env[name] || undefined;
