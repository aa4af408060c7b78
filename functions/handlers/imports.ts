// Question banks from spreadsheets: the import (CSV or .xlsx, with a dry run) and the template.
import { parseQuestionFile, questionTemplateCsv, questionTemplateXlsx, XLSX_CONTENT_TYPE } from '../adapters/import/question-file.ts';
import { file, httpApi, json } from '../adapters/http/api.ts';
import { ImportInvalid } from '../domain/errors.ts';
import { contestCases, libraryCases } from './composition-contests.ts';

export const handler = httpApi({
  'POST /api/admin/contests/{contestId}/questions/import': async ({ params, query, raw, headers }) => {
    const parsed = await parseQuestionFile(raw, headers['content-type'] ?? '');
    if (!parsed.ok) throw new ImportInvalid(parsed.errors);
    if (query.dryRun === 'true') return json(200, await contestCases.previewImport(params.contestId, parsed.questions, [], parsed.rows));
    return json(200, await contestCases.importQuestions(params.contestId, parsed.questions, [], parsed.rows));
  },
  'POST /api/admin/library/import': async ({ raw, headers }) => {
    const parsed = await parseQuestionFile(raw, headers['content-type'] ?? '');
    if (!parsed.ok) throw new ImportInvalid(parsed.errors);
    return json(200, await libraryCases.importQuestions(parsed.questions, parsed.rows));
  },
  'GET /api/admin/question-template': async ({ query }) =>
    query.format === 'xlsx'
      ? file(await questionTemplateXlsx(), XLSX_CONTENT_TYPE, 'mau-cau-hoi.xlsx')
      : file(questionTemplateCsv(), 'text/csv; charset=utf-8', 'mau-cau-hoi.csv'),
});
