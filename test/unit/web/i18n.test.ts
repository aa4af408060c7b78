import { describe, expect, it } from 'vitest';
import { en } from '../../../web/src/lib/i18n/en.ts';
import { vi as viCatalog } from '../../../web/src/lib/i18n/vi.ts';
import { resultEn } from '../../../web/src/lib/i18n/result-en.ts';
import { resultVi } from '../../../web/src/lib/i18n/result-vi.ts';
import { loadResultMessages, rt } from '../../../web/src/lib/result-i18n.ts';
import { i18n, interpolate, t } from '../../../web/src/lib/i18n/index.svelte.ts';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('message catalogs', () => {
  it('English has exactly the keys of Vietnamese', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(viCatalog).sort());
  });

  it.each(Object.keys(viCatalog))('%s: same placeholders in both, no empty text', (key) => {
    const k = key as keyof typeof viCatalog;
    expect(viCatalog[k].trim()).not.toBe('');
    expect(en[k].trim()).not.toBe('');
    expect(placeholders(en[k])).toEqual(placeholders(viCatalog[k]));
  });

  it('the result pack: the same keys and placeholders in both, none shadowing the main catalog', () => {
    expect(Object.keys(resultEn).sort()).toEqual(Object.keys(resultVi).sort());
    for (const [k, v] of Object.entries(resultVi)) {
      expect(placeholders(resultEn[k as keyof typeof resultVi]), k).toEqual(placeholders(v));
      expect(Object.keys(viCatalog), k).not.toContain(k);
    }
  });

  it('the result pack is merged on demand, then follows the language', async () => {
    await loadResultMessages();
    expect(rt('result.correctValue', { n: 3, total: 5 })).toBe('3/5');
    expect(rt('result.right')).toBe('Đúng');
    await i18n.setLocale('en', false);
    expect(rt('result.right')).toBe('Right');
    await i18n.setLocale('vi', false);
  });

  it('has a message for every field problem the form can report', () => {
    for (const f of ['fullName', 'phone', 'unitId', 'village', 'birthYear', 'consent'])
      for (const p of ['required', 'invalid']) expect(Object.keys(viCatalog)).toContain(`reg.err.${f}.${p}`);
  });
});

describe('t()', () => {
  it('is Vietnamese by default and fills parameters', () => {
    expect(i18n.locale).toBe('vi');
    expect(t('attempt.progress', { n: 3, total: 20 })).toBe('Câu 3/20');
  });

  it('switches to English and back', async () => {
    await i18n.setLocale('en');
    expect(i18n.locale).toBe('en');
    expect(t('attempt.progress', { n: 3, total: 20 })).toBe('Question 3/20');
    await i18n.setLocale('vi');
    expect(t('reg.title')).toBe('Đăng ký dự thi');
  });

  it('leaves unknown placeholders visible rather than inventing text', () => {
    expect(interpolate('{a} và {b}', { a: 1 })).toBe('1 và {b}');
    expect(interpolate('không có', undefined)).toBe('không có');
  });
});
