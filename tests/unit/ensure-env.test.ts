import fs from 'fs';
import os from 'os';
import path from 'path';
import { execFileSync } from 'child_process';

const script = path.resolve(__dirname, '..', '..', 'database', 'setup', 'ensure-env.js');
const SECRET_KEYS = ['APP_KEYS', 'API_TOKEN_SALT', 'ADMIN_JWT_SECRET', 'TRANSFER_TOKEN_SALT', 'JWT_SECRET', 'ENCRYPTION_KEY'];

function project() {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ensure-env-'));
  fs.mkdirSync(path.join(root, 'database', 'setup'), { recursive: true });
  fs.copyFileSync(script, path.join(root, 'database', 'setup', 'ensure-env.js'));
  fs.copyFileSync(path.join(path.dirname(script), 'secrets.js'), path.join(root, 'database', 'setup', 'secrets.js'));
  const run = () => {
    const env = { PATH: process.env.PATH as string };
    return execFileSync(process.execPath, [path.join(root, 'database', 'setup', 'ensure-env.js')], { env, encoding: 'utf8' });
  };
  const read = () =>
    Object.fromEntries(
      fs
        .readFileSync(path.join(root, '.env'), 'utf8')
        .split('\n')
        .filter((line) => /^[A-Z]/.test(line))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)])
    );
  return { root, run, read };
}

test('the first run writes every secret, random and private to the owner', () => {
  const { root, run, read } = project();
  expect(run()).toMatch(/generated .*APP_KEYS/);
  const env = read();
  for (const key of SECRET_KEYS) expect(env[key]?.length).toBeGreaterThanOrEqual(40);
  expect(env.APP_KEYS.split(',')).toHaveLength(4);
  expect(new Set(SECRET_KEYS.map((key) => env[key])).size).toBe(SECRET_KEYS.length);
  expect(env.STRAPI_TELEMETRY_DISABLED).toBe('true');
  expect((fs.statSync(path.join(root, '.env')).mode & 0o777).toString(8)).toBe('600');
});

test('two projects get different secrets', () => {
  const a = project();
  const b = project();
  a.run();
  b.run();
  expect(a.read().JWT_SECRET).not.toBe(b.read().JWT_SECRET);
});

test('a second run changes nothing and keeps values a person set', () => {
  const { root, run, read } = project();
  fs.writeFileSync(path.join(root, '.env'), 'PORT=8080\nJWT_SECRET=kept-by-hand');
  run();
  const first = fs.readFileSync(path.join(root, '.env'), 'utf8');
  expect(read().PORT).toBe('8080');
  expect(read().JWT_SECRET).toBe('kept-by-hand');
  expect(run()).toBe('');
  expect(fs.readFileSync(path.join(root, '.env'), 'utf8')).toBe(first);
});
