// The reference app's background worker: processes a batch of jobs.
exports.handler = async (event) => ({ processed: (event.Records || []).length });
