import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** How a test runs orgplane's entry points: from the TypeScript sources, through tsx. */
export const TSX = ['--import', 'tsx'];

/** A fresh SQLite database path in the temporary directory, and a function removing its files. */
export function tempSqlite(tag = 'proc'): { path: string; url: string; remove: () => void } {
  const path = join(tmpdir(), `orgplane-${tag}-${randomBytes(6).toString('hex')}.db`);
  return { path, url: `sqlite:${path}`, remove: () => ['', '-wal', '-shm'].forEach((s) => rmSync(path + s, { force: true })) };
}

/** An orgplane server started as a process of its own (`src/main.ts` unless told otherwise). */
export class ServerProcess {
  readonly child: ChildProcess;
  stdout = '';
  stderr = '';
  baseUrl = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  /** Runs `node <args>` (default: the sources' entry point), or `command` when given (e.g. npm start). */
  constructor(env: Record<string, string>, args: string[] = [...TSX, 'src/main.ts'], command?: string[]) {
    const [file, ...rest] = command ?? [process.execPath, ...args];
    this.child = spawn(file, rest, {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.stdout += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.stderr += d));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Log lines written so far, parsed (lines that are not JSON are skipped). */
  logs(): Array<Record<string, any>> {
    return this.stdout.split('\n').flatMap((line) => {
      try {
        const parsed = JSON.parse(line);
        return parsed && typeof parsed === 'object' ? [parsed] : [];
      } catch {
        return [];
      }
    });
  }

  /** Waits until the server logs the address it listens on (rejects if it exits first). */
  async listening(limitMs = 60_000): Promise<string> {
    const started = Date.now();
    let exited = false;
    void this.exited.then(() => (exited = true));
    while (!this.baseUrl) {
      const line = this.logs().find((l) => typeof l.msg === 'string' && l.msg.startsWith('Server listening at http://127.0.0.1'));
      if (line) this.baseUrl = /http:\/\/127\.0\.0\.1:\d+/.exec(line.msg)![0];
      else if (exited) throw new Error(`server exited before listening:\n${this.stderr}\n${this.stdout}`);
      else if (Date.now() - started > limitMs) throw new Error(`server not listening after ${limitMs} ms:\n${this.stderr}`);
      else await new Promise((r) => setTimeout(r, 25));
    }
    return this.baseUrl;
  }

  /** Stops the server if it still runs. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }
}
