import { useIntl } from 'react-intl';
import { useAuth } from '@strapi/strapi/admin';

/** A page's own strings in both languages: zh-Hans for 简体中文 users, English otherwise. */
export function useText<T>(text: { 'zh-Hans': T; en: T }): T {
  const { locale } = useIntl();
  return locale.startsWith('zh') ? text['zh-Hans'] : text.en;
}

/** The message of a failed admin request (Strapi's error body), or the error itself. */
export function errorMessage(error: unknown): string {
  const body = (error as { response?: { data?: { error?: { message?: string; details?: { errors?: { path?: string[]; message?: string }[] } } } } }).response?.data?.error;
  return body?.message ?? String(error);
}

/** Saves a Blob answered by an admin route under a file name. */
export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * Whether the signed-in user holds a workspace action (one without conditions). Read from the user's permissions
 * as they load: useRBAC checks once when a page mounts, and a page opened straight from its URL can mount before
 * the permissions arrive, leaving the answer "no" for good.
 */
export function useCan(action: string): boolean {
  const permissions = useAuth('xinyu', (state) => state.permissions);
  return permissions.some((permission) => permission.action === action);
}
