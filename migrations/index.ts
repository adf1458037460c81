import { Foundation1764165600000 } from './1764165600000-foundation.js';

/** Every migration, in order. New migrations are appended here. */
export const MIGRATIONS = [Foundation1764165600000];
