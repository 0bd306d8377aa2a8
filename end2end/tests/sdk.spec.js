// The official SDKs from npm, unchanged, against the release server, as a new user would
// configure them: OpenAI's with `baseURL` ending in /v1, Mistral's with `serverURL`
// without it. Files, models, fine-tuning jobs with their events and checkpoints, chat
// completions plain and streamed, lists across three pages, each error class, and the
// OpenAPI document checked against the OpenAPI 3.1 schema.
const { test, expect } = require('./fixtures');
const { OpenAI, toFile } = require('openai');
const OpenAIErrors = require('openai');
const { Mistral } = require('@mistralai/mistralai');
const { Validator } = require('@seriousme/openapi-schema-validator');
const { uniqueEmail, hydrated, signUp, startDemoInference, runDemoTrainer, createKey } = require('./helpers');

const DATASET = Buffer.from(
  [
    { messages: [{ role: 'user', content: 'Where is my order?' }, { role: 'assistant', content: 'Let me check.' }] },
    { messages: [{ role: 'user', content: 'Refund please' }, { role: 'assistant', content: 'Of course.' }] },
  ].map((line) => JSON.stringify(line)).join('\n'),
);

let inference;
test.beforeAll(async () => {
  inference = await startDemoInference();
});
test.afterAll(() => inference && inference.kill());

/** A new account's key, and both SDKs holding it (no retries: each error shows at once). */
async function clients(page, baseURL, who) {
  await signUp(page, who, uniqueEmail(who.toLowerCase()));
  await hydrated(page);
  const apiKey = await createKey(page, `${who}'s SDKs`);
  return {
    apiKey,
    openai: new OpenAI({ apiKey, baseURL: `${baseURL}/v1`, maxRetries: 0 }),
    mistral: new Mistral({ apiKey, serverURL: baseURL }),
  };
}

test('files, models, fine-tuning and chat work with both SDKs unchanged', async ({ page, baseURL }) => {
  const { openai, mistral } = await clients(page, baseURL, 'Sam');

  // Five datasets: three through OpenAI's SDK, two through Mistral's (which may leave the
  // purpose out).
  const uploaded = [];
  for (const name of ['a.jsonl', 'b.jsonl', 'c.jsonl']) {
    const file = await openai.files.create({ file: await toFile(DATASET, name), purpose: 'fine-tune' });
    expect(file).toMatchObject({ object: 'file', filename: name, purpose: 'fine-tune', bytes: DATASET.length });
    uploaded.push(file.id);
  }
  for (const fileName of ['d.jsonl', 'e.jsonl']) {
    const file = await mistral.files.upload({ file: { fileName, content: DATASET } });
    expect(file).toMatchObject({ filename: fileName, sampleType: 'instruct', source: 'upload', numLines: 2 });
    uploaded.push(file.id);
  }

  // OpenAI's auto-pagination walks three pages of two and ends.
  const pages = [];
  let listed = await openai.files.list({ limit: 2 });
  for (;;) {
    pages.push(listed.data.map((f) => f.id));
    if (!listed.hasNextPage()) break;
    listed = await listed.getNextPage();
  }
  expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
  expect(pages.flat()).toEqual([...uploaded].reverse());
  const all = [];
  for await (const file of openai.files.list({ limit: 2 })) all.push(file.id);
  expect(all).toEqual([...uploaded].reverse());
  // Mistral's pages count from 0 and carry the total.
  const mistralPages = [];
  for (let p = 0; p < 3; p++) {
    const res = await mistral.files.list({ page: p, pageSize: 2 });
    expect(res.total).toBe(5);
    mistralPages.push(...res.data.map((f) => f.id));
  }
  expect(mistralPages).toEqual([...uploaded].reverse());

  // Retrieve and download with either.
  expect((await openai.files.retrieve(uploaded[0])).filename).toBe('a.jsonl');
  expect(await (await openai.files.content(uploaded[0])).text()).toBe(DATASET.toString());
  const retrieved = await mistral.files.retrieve({ fileId: uploaded[3] });
  expect(retrieved).toMatchObject({ filename: 'd.jsonl', deleted: false });
  const stream = await mistral.files.download({ fileId: uploaded[3] });
  expect(Buffer.from(await new Response(stream).arrayBuffer()).toString()).toBe(DATASET.toString());
  // Mistral's signed URL downloads without a key.
  const { url } = await mistral.files.getSignedUrl({ fileId: uploaded[3], expiry: 1 });
  expect(await (await fetch(url)).text()).toBe(DATASET.toString());

  // Models: the base models, typed as Mistral's SDK requires.
  const base = (await openai.models.list()).data.map((m) => m.id);
  expect(base).toContain('open-mistral-7b');
  const mistralModels = await mistral.models.list();
  expect(mistralModels.data.every((m) => m.type === 'base' && m.capabilities.completionChat)).toBe(true);

  // A fine-tuning job through OpenAI's SDK, run by the demo trainer.
  const job = await openai.fineTuning.jobs.create({ model: 'open-mistral-7b', training_file: uploaded[0], suffix: 'faq' });
  expect(job.status).toBe('queued');
  expect((await openai.fineTuning.jobs.list({ limit: 1 })).data[0].id).toBe(job.id);
  runDemoTrainer(baseURL, 3);
  const done = await openai.fineTuning.jobs.retrieve(job.id);
  expect(done.status).toBe('succeeded');
  const model = done.fine_tuned_model;
  expect(model).toMatch(/^ft:open-mistral-7b:default:faq:/);

  // Its events, newest first, across three pages of three.
  const events = [];
  for await (const event of openai.fineTuning.jobs.listEvents(job.id, { limit: 3 })) events.push(event.message);
  expect(events[0]).toBe('The job has successfully completed.');
  expect(events).toContain('Step 2 of 3');
  expect(events.at(-1)).toBe(`Created fine-tuning job: ${job.id}`);
  expect(events.length).toBeGreaterThan(6);
  // Its checkpoints, one per step the trainer reported.
  const checkpoints = [];
  for await (const c of openai.fineTuning.jobs.checkpoints.list(job.id)) checkpoints.push(c);
  expect(checkpoints.map((c) => c.step_number)).toEqual([3, 2, 1]);
  expect(checkpoints[0].fine_tuned_model_checkpoint).toBe(`${model}:ckpt-step-3`);
  expect(checkpoints[0].metrics.train_loss).toBeCloseTo(0.5);

  // The fine-tuned model is listed by both, typed for Mistral's.
  expect((await openai.models.list()).data.map((m) => m.id)).toContain(model);
  const card = (await mistral.models.list()).data.find((m) => m.id === model);
  expect(card).toMatchObject({ type: 'fine-tuned', root: 'open-mistral-7b', job: job.id });

  // Chat completions with the fine-tuned model, plain and streamed, through each.
  const plain = await openai.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] });
  expect(plain.choices[0].message.content).toBe('Echo: Hello');
  expect(plain.usage.total_tokens).toBeGreaterThan(0);
  let streamed = '';
  const chunks = await openai.chat.completions.create({ model, stream: true, messages: [{ role: 'user', content: 'Stream it' }] });
  for await (const chunk of chunks) streamed += chunk.choices[0]?.delta?.content ?? '';
  expect(streamed).toBe('Echo: Stream it');
  const answer = await mistral.chat.complete({ model, messages: [{ role: 'user', content: 'Bonjour' }] });
  expect(answer.choices[0].message.content).toBe('Echo: Bonjour');
  let mistralStreamed = '';
  for await (const event of await mistral.chat.stream({ model: 'open-mistral-7b', messages: [{ role: 'user', content: 'Salut' }] })) {
    mistralStreamed += event.data.choices[0]?.delta?.content ?? '';
  }
  expect(mistralStreamed).toBe('Echo: Salut');

  // Deleting, with either.
  expect((await openai.files.delete(uploaded[1])).deleted).toBe(true);
  expect((await mistral.files.delete({ fileId: uploaded[2] })).deleted).toBe(true);
  expect((await openai.models.delete(model)).deleted).toBe(true);
  expect((await openai.files.list()).data.map((f) => f.id)).toEqual([uploaded[4], uploaded[3], uploaded[0]]);
});

/** The error `call` rejects with. */
async function failure(call) {
  try {
    await call();
  } catch (e) {
    return e;
  }
  throw new Error('the call succeeded');
}

test('each error reaches the SDKs as the class that fits', async ({ page, baseURL }) => {
  const { openai, mistral } = await clients(page, baseURL, 'Eve');
  const file = await openai.files.create({ file: await toFile(DATASET, 'e.jsonl'), purpose: 'fine-tune' });
  const cases = [
    [400, OpenAIErrors.BadRequestError, () => openai.fineTuning.jobs.create({ model: 'no-such-model', training_file: file.id })],
    [401, OpenAIErrors.AuthenticationError, () => new OpenAI({ apiKey: 'sk-bogus', baseURL: `${baseURL}/v1`, maxRetries: 0 }).models.list()],
    [403, OpenAIErrors.PermissionDeniedError, () => openai.models.delete('open-mistral-7b')],
    [404, OpenAIErrors.NotFoundError, () => openai.files.retrieve('file-nothing')],
    [404, OpenAIErrors.NotFoundError, () => openai.get('/no/such/path')],
    [405, OpenAIErrors.APIError, () => openai.put('/files')],
    [422, OpenAIErrors.UnprocessableEntityError, () => openai.fineTuning.jobs.create({ model: 7, training_file: file.id })],
  ];
  for (const [status, kind, call] of cases) {
    const e = await failure(call);
    expect(e, `${status}: ${e.message}`).toBeInstanceOf(kind);
    expect(e.status).toBe(status);
    expect(e.error?.message, 'the JSON error shape').toBeTruthy();
  }
  const job = await openai.fineTuning.jobs.create({ model: 'open-mistral-7b', training_file: file.id });
  await openai.fineTuning.jobs.cancel(job.id);
  const conflict = await failure(() => openai.fineTuning.jobs.cancel(job.id));
  expect(conflict).toBeInstanceOf(OpenAIErrors.ConflictError);
  expect(conflict.message).toContain('already cancelled');

  // Mistral's SDK gets the status and the body (its own shape) for any error.
  const missing = await failure(() => mistral.files.retrieve({ fileId: 'file-nothing' }));
  expect(missing.statusCode).toBe(404);
  expect(JSON.parse(missing.body)).toMatchObject({ object: 'error', message: 'File not found.' });
  const bogus = await failure(() => new Mistral({ apiKey: 'bogus', serverURL: baseURL }).models.list());
  expect(bogus.statusCode).toBe(401);

  // A rate limit set in Admin Settings -> Limits: 429 with Retry-After.
  const orgUrl = new URL(page.url()).pathname.split('/w/')[0];
  const requestsPerMinute = async (value) => {
    await page.goto(`${orgUrl}/settings/limits`);
    await page.getByRole('table', { name: 'Spend and limits by workspace' })
      .getByRole('link', { name: 'Edit the limits of Default' }).click();
    const edit = page.getByRole('region', { name: 'Limits of Default' });
    await edit.getByLabel('Requests per minute').fill(value);
    await edit.getByRole('button', { name: 'Save workspace limits' }).click();
    await expect(page.getByText('Limits saved.')).toBeVisible();
  };
  await requestsPerMinute('1');
  const messages = [{ role: 'user', content: 'Hi' }];
  await openai.chat.completions.create({ model: 'open-mistral-7b', messages });
  const limited = await failure(() => openai.chat.completions.create({ model: 'open-mistral-7b', messages }));
  expect(limited).toBeInstanceOf(OpenAIErrors.RateLimitError);
  expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  const mistralLimited = await failure(() => mistral.chat.complete({ model: 'open-mistral-7b', messages }));
  expect(mistralLimited.statusCode).toBe(429);

  // The inference server gone: 5xx, which the SDKs retry, then raise.
  await requestsPerMinute('');
  inference.kill();
  const down = await failure(() => openai.chat.completions.create({ model: 'open-mistral-7b', messages }));
  expect(down).toBeInstanceOf(OpenAIErrors.InternalServerError);
  expect(down.status).toBe(502);
});

test('the OpenAPI document is valid OpenAPI 3.1 and lists every call the SDKs make', async ({ request }) => {
  const doc = await (await request.get('/v1/openapi.json')).json();
  const result = await new Validator().validate(doc);
  expect(result.errors ?? []).toEqual([]);
  expect(result.valid).toBe(true);
  for (const path of ['/v1/files', '/v1/files/{id}/content', '/v1/models', '/v1/chat/completions',
    '/v1/fine_tuning/jobs/{id}/events', '/v1/fine_tuning/jobs/{id}/checkpoints']) {
    expect(Object.keys(doc.paths)).toContain(path);
  }
});
