// Links of the share kit: the contest page with the unit preselected (`?unit=`).
import { contestPath } from '../router.svelte.ts';

export function unitLink(origin: string, contestId: string, unitId?: string): string {
  const base = origin.replace(/\/+$/, '') + contestPath(contestId);
  return unitId ? `${base}?unit=${encodeURIComponent(unitId)}` : base;
}

/** A file name that survives Zalo and Windows: letters, digits and dashes. */
export function slug(s: string): string {
  return (
    s
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '') || 'qr'
  );
}

export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // Older WebViews or no permission: the old way.
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand('copy');
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}
