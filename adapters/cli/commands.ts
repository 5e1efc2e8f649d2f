/** Commands contributed by the protocol adapters (`translate`, `edifact`, `channels`). */
import type { Io } from './main';

export type Command = (args: string[], io: Io) => Promise<number>;

export const extraCommands: Record<string, Command> = {};
