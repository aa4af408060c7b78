// Element ids unique in the page (what $props.id() gives, without its runtime in the entry chunk).
let next = 0;
export const uid = (prefix: string): string => `${prefix}-${(++next).toString(36)}`;
