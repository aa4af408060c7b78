/** Start-up steps of the local mode, in order. Tests make each fail in turn with LOCAL_FAIL_AT=<step> (after the step's own work). */
export const STEPS = ['lock', 'listen', 'dynamodb', 'cognito', 's3', 'table', 'migrate', 'admin', 'seed', 'streams', 'jobs'] as const;
export type Step = (typeof STEPS)[number];
