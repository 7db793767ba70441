import type { CliCommand } from './types';

export const commands: Record<string, CliCommand> = {};
