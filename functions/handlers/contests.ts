// Placeholder: replaced by the real contests handler.
export const handler = async () => ({ statusCode: 501, body: '{"error":{"code":"NOT_IMPLEMENTED","message":"not yet"}}' });
