import readline from 'node:readline';
import { cliErrors } from '../../platform/errors';

/**
 * The password for `staff:add` when FRONTDESK_PASSWORD is not set. In a
 * terminal: asked twice, nothing echoed. Otherwise (piped in): the first
 * line of standard input.
 */
export async function readPassword(input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!input.isTTY) {
    const line = await firstLine(input);
    if (line === undefined) throw cliErrors.usage('No password: set FRONTDESK_PASSWORD, or type it when asked.');
    return line;
  }
  const first = await ask('Password (at least 12 characters): ', input, output);
  const second = await ask('Repeat the password: ', input, output);
  if (first !== second) throw cliErrors.usage('The two passwords differ; nothing was changed.');
  return first;
}

function firstLine(input: NodeJS.ReadableStream): Promise<string | undefined> {
  return new Promise((resolve) => {
    const lines = readline.createInterface({ input, terminal: false });
    let answered = false;
    lines.once('line', (line) => {
      answered = true;
      lines.close();
      resolve(line);
    });
    lines.once('close', () => {
      if (!answered) resolve(undefined);
    });
  });
}

function ask(prompt: string, input: NodeJS.ReadStream, output: NodeJS.WriteStream): Promise<string> {
  return new Promise((resolve, reject) => {
    output.write(prompt);
    input.setRawMode?.(true);
    input.resume();
    let value = '';
    const finish = (error?: Error) => {
      input.setRawMode?.(false);
      input.pause();
      input.removeListener('data', onData);
      output.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: Buffer) => {
      for (const character of chunk.toString('utf8')) {
        if (character === '\r' || character === '\n') return finish();
        if (character === '\u0003') return finish(cliErrors.usage('Cancelled.'));
        if (character === '\u007f' || character === '\b') value = value.slice(0, -1);
        else value += character;
      }
    };
    input.on('data', onData);
  });
}
