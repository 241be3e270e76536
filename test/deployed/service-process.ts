import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runningServer } from '../../service/db/embedded-server.ts';
import { spellings } from '../../service/logging/scrubber.ts';
import { startApifyEmulator, type ApifyEmulator } from '../emulators/apify.ts';
import { axessoItem, SAMPLE_ASINS } from '../emulators/axesso-items.ts';
import { startDiscordEmulator, type DiscordEmulator } from '../emulators/discord.ts';
import { createInteractionSigner, type InteractionSigner } from '../emulators/discord-signer.ts';
import { startImageHost, type ImageHost } from '../emulators/image-host.ts';
import { openAiAutoReply, startOpenAiEmulator, type OpenAiEmulator } from '../emulators/openai.ts';
import { startSlackEmulator, type SlackEmulator } from '../emulators/slack.ts';
import { startStripeEmulator, type StripeEmulator } from '../emulators/stripe.ts';

/**
 * The service as an operator deploys it: `listinglab serve` (or `serve --no-worker` plus
 * `listinglab worker`, the shape fly.toml deploys) started as child processes on an empty
 * DATA_DIR with every integration configured — Slack single-workspace, Discord, Stripe, Apify
 * (Axesso's actor item shape), an OpenAI key at the model emulator — and `LOG_LEVEL=debug`.
 * Tests talk to it only over HTTP and read what the processes print.
 */

const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/listinglab.js');

const token = (prefix: string) => `${prefix}${randomBytes(12).toString('hex')}`;

/** The configured secrets: distinctive, so a leak anywhere in the output is unmistakable. */
export interface Secrets {
  readonly slackSigningSecret: string;
  readonly slackBotToken: string;
  readonly discordBotToken: string;
  readonly stripeSecretKey: string;
  readonly stripeWebhookSecret: string;
  readonly apifyToken: string;
  readonly openAiKey: string;
  /** Given in upper-case hex: it must be scrubbed whatever its case. */
  readonly encryptionKey: string;
}

export interface Deployed {
  readonly url: string;
  readonly secrets: Secrets;
  readonly slack: SlackEmulator;
  readonly discord: DiscordEmulator;
  readonly signer: InteractionSigner;
  readonly stripe: StripeEmulator;
  readonly apify: ApifyEmulator;
  readonly images: ImageHost;
  readonly openai: OpenAiEmulator;
  readonly dataDir: string;
  /** The database every process uses: the given DATABASE_URL, or the embedded server's in DATA_DIR. */
  databaseUrl(): Promise<string>;
  /** Sends `signal` to the named process (`web`, `worker`, `worker-2`, … or `serve`); resolves once it has exited. */
  kill(name: string, signal: NodeJS.Signals): Promise<void>;
  /** The names and pids of the started processes (`web`, `worker-1`, … or `serve`). */
  processes(): { name: string; pid: number }[];
  /** Everything every process printed so far (stdout and stderr). */
  output(): string;
  /** Processes that have exited (they should not, until stop()). */
  exited(): { name: string; code: number | null; signal: string | null }[];
  /** Every spelling of every configured secret found in the output. */
  leakedSecrets(): string[];
  /** `listinglab <args>` run once more beside the service, with its environment (an operator's command). */
  cli(args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }>;
  /** SIGTERM to every process; resolves with their exit codes once all have exited. */
  stop(): Promise<(number | null)[]>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface DeployOptions {
  /** `serve --no-worker` plus `listinglab worker` processes instead of one `serve` (default false). */
  readonly split?: boolean;
  /** How many `listinglab worker` processes beside the web process (implies split; default 1 when split). */
  readonly workers?: number;
  /** An external Postgres for every process (DATABASE_URL); default: the embedded one in DATA_DIR. */
  readonly databaseUrl?: string;
  /** More environment for every process (pricing, WORKER_STALE_SECONDS, …). */
  readonly env?: Readonly<Record<string, string>>;
}

export async function startDeployed(opts: DeployOptions = {}): Promise<Deployed> {
  const secrets: Secrets = {
    slackSigningSecret: token('slack-signing-'),
    slackBotToken: token('xoxb-1234-'),
    discordBotToken: token('discord-bot-'),
    stripeSecretKey: token('sk_test_'),
    stripeWebhookSecret: token('whsec_'),
    apifyToken: token('apify_api_'),
    openAiKey: token('sk-proj-deployed-'),
    encryptionKey: randomBytes(32).toString('hex').toUpperCase(),
  };
  const [slack, discord, stripe, images, openai] = await Promise.all([
    startSlackEmulator(),
    startDiscordEmulator({ botToken: secrets.discordBotToken }),
    startStripeEmulator(),
    startImageHost(),
    startOpenAiEmulator({ handler: openAiAutoReply }),
  ]);
  const apify = await startApifyEmulator({ token: secrets.apifyToken });
  for (const asin of SAMPLE_ASINS) apify.setItem(asin, axessoItem(asin, images.url));
  const signer = createInteractionSigner();

  const parent = await mkdtemp(path.join(os.tmpdir(), 'listinglab-deployed-'));
  await chmod(parent, 0o755); // Postgres runs as the `postgres` user when we are root: it must reach DATA_DIR
  const dataDir = path.join(parent, 'data');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    DATA_DIR: dataDir,
    PORT: String(port),
    PUBLIC_URL: url,
    LOG_LEVEL: 'debug',
    SLACK_SIGNING_SECRET: secrets.slackSigningSecret,
    SLACK_BOT_TOKEN: secrets.slackBotToken,
    SLACK_API_URL: slack.apiUrl,
    DISCORD_APPLICATION_ID: '775799577604522054',
    DISCORD_PUBLIC_KEY: signer.publicKeyHex,
    DISCORD_BOT_TOKEN: secrets.discordBotToken,
    DISCORD_API_URL: discord.url,
    STRIPE_SECRET_KEY: secrets.stripeSecretKey,
    STRIPE_WEBHOOK_SECRET: secrets.stripeWebhookSecret,
    STRIPE_API_URL: stripe.url,
    APIFY_TOKEN: secrets.apifyToken,
    APIFY_BASE_URL: apify.url,
    IMAGE_HOSTS: images.host,
    OPENAI_API_KEY: secrets.openAiKey,
    OPENAI_BASE_URL: openai.url,
    ENCRYPTION_KEY: secrets.encryptionKey,
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...opts.env,
  };

  let output = '';
  const children: { name: string; child: ChildProcess }[] = [];
  const spawnCli = (name: string, args: string[]) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    children.push({ name, child });
    return child;
  };

  const closeEmulators = async () => {
    await Promise.all([slack.close(), discord.close(), stripe.close(), images.close(), openai.close(), apify.close()]);
    await rm(parent, { recursive: true, force: true });
  };

  try {
    if (opts.split || opts.workers !== undefined) {
      // The web process first (it creates the embedded server), then the workers beside it.
      spawnCli('web', ['serve', '--no-worker']);
      await waitReady(url, children, () => output);
      const workers = opts.workers ?? 1;
      for (let i = 1; i <= workers; i++) spawnCli(i === 1 && workers === 1 ? 'worker' : `worker-${i}`, ['worker']);
      await waitFor(() => (output.match(/listinglab worker running/g) ?? []).length >= workers, children, () => output, 60_000);
    } else {
      spawnCli('serve', ['serve']);
      await waitReady(url, children, () => output);
    }
  } catch (e) {
    for (const { child } of children) child.kill('SIGKILL');
    await closeEmulators();
    throw e;
  }

  const allSpellings = (Object.values(secrets) as string[]).flatMap((s) => spellings(s));
  return {
    url,
    secrets,
    slack,
    discord,
    signer,
    stripe,
    apify,
    images,
    openai,
    dataDir,
    async databaseUrl() {
      if (opts.databaseUrl) return opts.databaseUrl;
      // The embedded server's credentials and port, as a process joining DATA_DIR reads them (service/db/embedded.ts).
      const creds = JSON.parse(await readFile(path.join(dataDir, 'pg-credentials.json'), 'utf8')) as { user: string; password: string };
      const server = await runningServer(path.join(dataDir, 'pg'));
      if (!server) throw new Error(`no embedded Postgres running in ${dataDir}`);
      return `postgres://${encodeURIComponent(creds.user)}:${encodeURIComponent(creds.password)}@127.0.0.1:${server.port}/listinglab`;
    },
    async kill(name, signal) {
      const found = children.find((c) => c.name === name)?.child;
      if (!found) throw new Error(`no process named ${name}`);
      if (found.exitCode !== null || found.signalCode !== null) return;
      const exited = new Promise<void>((r) => found.once('exit', () => r()));
      found.kill(signal);
      await exited;
    },
    processes: () => children.map(({ name, child }) => ({ name, pid: child.pid ?? 0 })),
    output: () => output,
    exited: () => children.filter(({ child }) => child.exitCode !== null || child.signalCode !== null).map(({ name, child }) => ({ name, code: child.exitCode, signal: child.signalCode })),
    leakedSecrets: () => {
      const lower = output.toLowerCase();
      return allSpellings.filter((s) => s.length >= 8 && lower.includes(s.toLowerCase()));
    },
    cli: (args) =>
      new Promise((resolve) => {
        const child = spawn(process.execPath, [bin, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
        child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      }),
    async stop() {
      // The worker first, as fly.toml's groups would be stopped; then the web process.
      const codes: (number | null)[] = [];
      for (const { child } of children.toReversed()) {
        if (child.exitCode !== null || child.signalCode !== null) {
          codes.push(child.exitCode);
          continue;
        }
        const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
        child.kill('SIGTERM');
        codes.push(await exited);
      }
      await closeEmulators();
      return codes;
    },
  };
}

async function waitReady(url: string, children: { child: ChildProcess }[], output: () => string): Promise<void> {
  await waitFor(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.status === 200, children, output, 120_000);
}

async function waitFor(probe: () => boolean | Promise<boolean>, children: { child: ChildProcess }[], output: () => string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  for (;;) {
    const dead = children.find(({ child }) => child.exitCode !== null);
    if (dead) throw new Error(`a process exited early (code ${dead.child.exitCode}):\n${output()}`);
    if (await probe()) return;
    if (Date.now() - started > timeoutMs) throw new Error(`not ready within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Processes whose command line names `dir` (a Postgres left behind on a DATA_DIR). */
export function processesUsing(dir: string): Promise<string[]> {
  return new Promise((resolve) => {
    const ps = spawn('ps', ['-eo', 'pid,args'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    ps.stdout.on('data', (c: Buffer) => (out += c.toString()));
    ps.on('close', () => resolve(out.split('\n').filter((l) => l.includes(dir) && !l.includes(' ps '))));
  });
}
