// The results-folder name a config gets when it sets no `name:`: its file name, which must pass
// the same check as `name:` (so `...yaml`, whose name would be '..', cannot point outside --out).

import { basename, extname } from 'node:path';
import { UserError } from '../errors.js';
import { quote, shownPath } from './quote.js';
import { NAME_PATTERN } from './schema.js';

export function nameFromFile(file: string): string {
  const name = basename(file, extname(file));
  if (name.length > 100 || !NAME_PATTERN.test(name)) {
    throw new UserError(`config ${shownPath(file)}: its file name gives the results folder name ${quote(name)}, which must start with a letter or digit ` +
      `and hold only letters, digits, ".", "_" or "-"; rename the file or set name: in it`);
  }
  return name;
}
