import type { CliCommand } from '../command.ts';
import { CliError } from '../command.ts';

const command: CliCommand = {
  path: ['compile'],
  summary: 'Compile a workflows entry file into one sandbox bundle and print its build id.',
  usage: 'reprise compile <entry> [-o <file>]',
  async run() {
    throw new CliError('the compiler is not wired into the CLI yet');
  },
};
export default command;
