// The page loads, the wasm module starts and the Yew app mounts without an error. index.html has
// no #app element of its own: only the running app can create it.
export default async function appMounts(page, baseUrl, { assert, screenshot, problems }) {
  const wasm = page.waitForResponse((r) => r.url().endsWith('.wasm'));
  const response = await page.goto(`${baseUrl}/`);
  assert(response && response.ok(), `GET / answered ${response && response.status()}`);

  const module = await wasm;
  assert(module.ok(), `${module.url()} answered ${module.status()}`);
  // WebAssembly.instantiateStreaming refuses any other type.
  const type = module.headers()['content-type'];
  assert(type === 'application/wasm', `${module.url()} was served as ${type}`);
  // Chromium accepts brotli: the server sends the precompressed copy, and says it varies.
  const encoding = module.headers()['content-encoding'];
  assert(encoding === 'br', `${module.url()} was sent with Content-Encoding ${encoding}`);
  const vary = module.headers()['vary'];
  assert(vary === 'Accept-Encoding', `${module.url()} was sent with Vary ${vary}`);

  const app = page.locator('#app');
  await app.waitFor({ state: 'visible' });
  assert((await app.count()) === 1, `expected one #app element, found ${await app.count()}`);
  assert((await app.innerText()).trim().length > 0, '#app rendered nothing');
  await screenshot('home');
  assert(problems.length === 0, `the page reported errors:\n  ${problems.join('\n  ')}`);
}
