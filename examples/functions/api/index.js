// The reference app's API handler: answers the smoke test.
exports.handler = async () => ({ statusCode: 200, body: JSON.stringify({ ok: true }) });
