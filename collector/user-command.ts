/**
 * `outpost user hash`: reads a password from stdin and prints one scrypt line for `api.users[].password_hash`.
 * On a terminal it asks twice without echo; from a pipe it reads everything, a trailing newline not included.
 */
import type { Command } from 'commander';
import { CliError, type CliIo } from '../common/cli.js';
import { hashPassword } from './api/passwords.js';

export const MIN_PASSWORD_LENGTH = 8;

/** All of a piped stdin, without one trailing `\n` / `\r\n`. */
export async function readPiped(stdin: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** One line typed on a terminal in raw mode, echoing nothing. Ctrl-C / Ctrl-D abort. */
export function readHidden(stdin: NonNullable<CliIo['stdin']>, prompt: string, stderr: NodeJS.WritableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    stderr.write(prompt);
    let typed = '';
    stdin.setRawMode?.(true);
    stdin.resume();
    const done = (error?: Error) => {
      stdin.removeListener('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer | string) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003' || ch === '\u0004') return done(new CliError('cancelled', 130));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else typed += ch;
      }
    };
    stdin.on('data', onData);
  });
}

export function registerUserCommands(program: Command, io: CliIo, result: { code: number }): void {
  const user = program.command('user').description('console users (api.users in collector.yaml)');
  user
    .command('hash')
    .description('read a password from stdin (no echo on a terminal) and print its scrypt line for api.users[].password_hash')
    .action(async () => {
      const stdin = io.stdin;
      if (!stdin) throw new CliError('no standard input to read the password from');
      let password: string;
      if (stdin.isTTY) {
        password = await readHidden(stdin, 'Password: ', io.stderr);
        const again = await readHidden(stdin, 'Again: ', io.stderr);
        if (again !== password) throw new CliError('the two passwords differ');
      } else {
        password = await readPiped(stdin);
      }
      if (password.length < MIN_PASSWORD_LENGTH) throw new CliError(`password too short: at least ${MIN_PASSWORD_LENGTH} characters`);
      io.stdout.write(`${await hashPassword(password)}\n`);
      result.code = 0;
    });
}
