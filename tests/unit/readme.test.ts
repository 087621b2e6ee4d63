import fs from 'fs';
import path from 'path';
import { renderRolesMatrix } from '../helpers/roles-matrix';

const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', 'README.md'), 'utf8');

test("the README's roles table is the one database/reference/roles.json grants", () => {
  const match = readme.match(/<!-- roles:start -->\n([\s\S]*?)\n<!-- roles:end -->/);
  expect(match).not.toBeNull();
  // On mismatch, paste the expected table between the markers in README.md.
  expect(match![1]).toBe(renderRolesMatrix());
});

test('the README gives exactly the two commands a newcomer runs', () => {
  expect(readme).toContain('npm install && npm run develop');
  expect(readme).toContain('npm install && npm test');
});
