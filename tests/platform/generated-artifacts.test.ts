import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';
import { createTestDatabase, type TestDatabase } from '../helpers/database';

const root = path.resolve(__dirname, '..', '..');
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'artifacts-'));
let db: TestDatabase;

beforeAll(() => {
  return (async () => {
    db = await createTestDatabase();
    db.applyEnv();
    execFileSync(process.execPath, [path.join(__dirname, '..', 'helpers', 'generate-artifacts.js')], {
      env: { ...process.env, OUT_DIR: out },
      stdio: 'inherit',
    });
  })();
});
afterAll(async () => {
  fs.rmSync(out, { recursive: true, force: true });
  await db?.drop();
});

test('public/openapi.json is what `npm run openapi` generates from the current code', () => {
  const committed = JSON.parse(fs.readFileSync(path.join(root, 'public', 'openapi.json'), 'utf8'));
  const fresh = JSON.parse(fs.readFileSync(path.join(out, 'openapi.json'), 'utf8'));
  // A mismatch means a route or content type changed: run `npm run openapi` and commit the result.
  expect(fresh).toEqual(committed);
  expect(Object.keys(committed.paths)).toEqual(expect.arrayContaining(['/me', '/schools', '/schools/{id}', '/teachers', '/teachers/{id}']));
  expect(committed.paths['/teachers'].post).toBeUndefined();
});

test.each(['contentTypes.d.ts', 'components.d.ts'])('types/generated/%s is what `npm run types` generates', (file) => {
  const fresh = fs.readFileSync(path.join(out, 'types', 'generated', file), 'utf8');
  const committed = fs.readFileSync(path.join(root, 'types', 'generated', file), 'utf8');
  // A mismatch means a schema changed: run `npm run types` and commit the result.
  expect(committed).toBe(fresh);
});
