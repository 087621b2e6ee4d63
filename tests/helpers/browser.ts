import fs from 'fs';
import path from 'path';
import type { Browser, Page } from 'playwright-core';
import type { TestApp } from './strapi';

/*
 * What the admin panel's browser tests share (tests/browser/): the booted demo app, the browser, the demo
 * accounts and signing in as one of them. One app and one browser serve every case, so the suite boots once.
 */
export interface Account {
  username: string;
  password: string;
  role: string;
  panel?: 'admin';
  email?: string;
  scope?: { level: string; district?: string; schoolCode?: string } | null;
}

export interface PanelEnv {
  app: TestApp;
  browser: Browser;
  base: string;
  accounts: Account[];
  /** Teacher names by district and by school code, from the demo database. */
  teachersIn: { district: Map<string, string[]>; school: Map<string, string[]> };
}

/** Filled by the suite's beforeAll; the cases read it when they run. */
export const env = {} as PanelEnv;

const shots = path.resolve(__dirname, '..', '..', '.tmp', 'screenshots');

export const staff = (role: string, match: (a: Account) => boolean = () => true) => {
  const account = env.accounts.find((a) => a.panel === 'admin' && a.role === role && match(a));
  if (!account) throw new Error(`no demo staff account with role ${role}`);
  return account;
};

export async function signIn(account: Account): Promise<Page> {
  const context = await env.browser.newContext({ viewport: { width: 1440, height: 1000 }, locale: 'zh-CN', acceptDownloads: true });
  // A loaded CI machine draws a page (and checks its permissions) slowly: every wait and action gets a minute.
  context.setDefaultTimeout(60_000);
  // The panel's language is the user's choice, kept in local storage: 简体中文, as our staff use it.
  await context.addInitScript(() => window.localStorage.setItem('strapi-admin-language', 'zh-Hans'));
  const page = await context.newPage();
  await page.goto(`${env.base}/admin/auth/login`);
  await page.locator('input[name="email"]').fill(account.email!);
  await page.locator('input[name="password"]').fill(account.password);
  await page.locator('button[type="submit"]').click();
  await page.waitForURL((url) => !url.pathname.includes('/auth/'), { timeout: 60_000 });
  return page;
}

/** A screenshot of the whole page under .tmp/screenshots/, on every run. */
export async function shot(page: Page, name: string) {
  fs.mkdirSync(shots, { recursive: true });
  await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
}

/** Opens a workspace page (`/admin/xinyu/<path>`) and waits for an element of it. */
export async function openPage(page: Page, pathInPanel: string, readySelector: string) {
  await page.goto(`${env.base}/admin/${pathInPanel}`);
  await page.locator(readySelector).first().waitFor({ timeout: 60_000 });
}

/** The labels of a BarChart's bars (src/admin/components/BarChart.tsx), once it is drawn. */
export async function barLabels(page: Page, testId: string) {
  await page.locator(`[data-testid="${testId}"]`).waitFor({ timeout: 60_000 });
  // The panel scrolls its own main area: bring the chart into the screenshot.
  await page.locator(`[data-testid="${testId}"]`).scrollIntoViewIfNeeded();
  return page.locator(`[data-testid="${testId}-bar"]`).evaluateAll((bars) => bars.map((bar) => bar.getAttribute('data-label') ?? ''));
}
