// Starts the bank simulator and the demo shop on 127.0.0.1 for one test run, drives Debian's
// Chromium through playwright-core, and writes a screenshot of every step to artifacts/.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
export const repo = join(here, '..', '..');
export const artifacts = join(here, 'artifacts');

/** The flags the issue asks for, plus a fresh profile per run. */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/**
 * PHP's settings for the shop: opcache keeps the compiled plugin (and the PHP engine's module)
 * across requests; E2E_PHP_ARGS adds more (`-d ffi.enable=1` runs the FFI engine).
 */
const PHP_ARGS = ['-d', 'opcache.enable_cli=1', '-d', 'opcache.memory_consumption=256',
  ...(process.env.E2E_PHP_ARGS || '').split(' ').filter(Boolean)];

/** How long the shop waits for a bank, and how late the simulator's timeout card answers. */
export const HTTP_TIMEOUT_SECONDS = 2;
const API_DELAY_MS = 3500;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a process in its own process group (PHP's workers included) and collects its output. */
function start(command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.output = '';
  child.stdout.on('data', (chunk) => { child.output += chunk; });
  child.stderr.on('data', (chunk) => { child.output += chunk; });
  return child;
}

function stop(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    process.kill(-child.pid, 'SIGTERM');
  });
}

async function waitFor(what, check, child) {
  const deadline = Date.now() + 20000;
  for (;;) {
    const value = await check().catch(() => null);
    if (value) return value;
    if (child.exitCode !== null) throw new Error(`${what} exited:\n${child.output}`);
    if (Date.now() > deadline) throw new Error(`${what} did not start:\n${child.output}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts the simulator (fresh ledger) and the demo shop (fresh data) and returns their URLs. */
export async function startServers() {
  const work = mkdtempSync(join(tmpdir(), 'sanalpos-e2e-'));
  const sim = start(join(repo, 'target/debug/sanalpos-bank-sim'),
    ['--port', '0', '--db', join(work, 'bank.sqlite'), '--api-delay-ms', String(API_DELAY_MS)], {});
  const simUrl = await waitFor('the bank simulator', async () => sim.output.match(/listening on (http:\S+)/)?.[1], sim);
  const port = await freePort();
  const shop = start('php', [...PHP_ARGS, '-S', `127.0.0.1:${port}`, join(repo, 'tests/demo-shop/router.php')], {
    SANALPOS_BANK_SIM: simUrl,
    SANALPOS_DEMO_DATA: join(work, 'shop'),
    SANALPOS_HTTP_TIMEOUT: String(HTTP_TIMEOUT_SECONDS),
    PHP_CLI_SERVER_WORKERS: '4',
  });
  const shopUrl = `http://127.0.0.1:${port}`;
  const engine = await waitFor('the demo shop', async () => {
    const response = await fetch(`${shopUrl}/health`);
    return response.ok ? (await response.text()).replace(/^ok /, '') : null;
  }, shop);
  // PayTR's notification address, as a merchant sets it in PayTR's panel.
  const set = await fetch(`${simUrl}/admin/notification-url`, {
    method: 'POST',
    body: new URLSearchParams({ family: 'paytr', url: `${shopUrl}/notify` }),
  });
  if (!set.ok) throw new Error(`notification address: ${await set.text()}`);
  return {
    simUrl,
    shopUrl,
    engine,
    async stop() {
      await Promise.all([stop(shop), stop(sim)]);
      rmSync(work, { recursive: true, force: true });
    },
  };
}

/** Chromium with a fresh user-data-dir. */
export async function launchBrowser() {
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'sanalpos-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1100, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Numbered screenshots of one scenario: artifacts/<scenario>-<n>-<step>.png. */
export class Steps {
  constructor(page, scenario) {
    this.page = page;
    this.scenario = scenario.replace(/[^A-Za-z0-9_-]+/g, '-');
    this.n = 0;
  }

  async shot(step) {
    this.n += 1;
    const name = `${this.scenario}-${String(this.n).padStart(2, '0')}-${step}.png`;
    await this.page.screenshot({ path: join(artifacts, name), fullPage: true });
  }
}

/** The simulator's books for a bank order id. */
export async function ledger(simUrl, bankOrderId) {
  const response = await fetch(`${simUrl}/admin/ledger?order_id=${encodeURIComponent(bankOrderId)}`);
  return response.json();
}

/** `"1234.56"` → 123456 */
export function minor(amount) {
  const [whole, fraction = ''] = amount.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}
