import { parseQuestionFile, questionTemplateCsv, questionTemplateXlsx, XLSX_CONTENT_TYPE } from '../adapters/import/question-file.ts';
import { file, httpApi, json, noContent } from '../adapters/http/api.ts';
import { ImportInvalid } from '../domain/errors.ts';
import { contestCases, standingsCases } from './composition.ts';

export const handler = httpApi({
  'POST /api/admin/contests': async ({ body, staff }) => json(201, await contestCases.create(body, staff?.userId)),
  'GET /api/admin/contests': async () => json(200, { items: await contestCases.list() }),
  'GET /api/admin/contests/{contestId}': async ({ params }) => json(200, await contestCases.get(params.contestId)),
  'PATCH /api/admin/contests/{contestId}': async ({ params, body }) => json(200, await contestCases.update(params.contestId, body)),
  'POST /api/admin/contests/{contestId}/publish': async ({ params }) => json(200, await contestCases.publish(params.contestId)),
  'POST /api/admin/contests/{contestId}/close': async ({ params }) => json(200, await standingsCases.close(params.contestId)),
  'POST /api/admin/contests/{contestId}/questions': async ({ params, body }) =>
    json(201, await contestCases.addQuestion(params.contestId, body)),
  'GET /api/admin/contests/{contestId}/questions': async ({ params }) =>
    json(200, { items: await contestCases.questions(params.contestId) }),
  'POST /api/admin/contests/{contestId}/questions/import': async ({ params, query, raw, headers }) => {
    const parsed = await parseQuestionFile(raw, headers['content-type'] ?? '');
    if (!parsed.ok) throw new ImportInvalid(parsed.errors);
    if (query.dryRun === 'true') return json(200, await contestCases.previewImport(params.contestId, parsed.questions, []));
    return json(200, await contestCases.importQuestions(params.contestId, parsed.questions, []));
  },
  'PUT /api/admin/contests/{contestId}/questions/{questionId}': async ({ params, body }) =>
    json(200, await contestCases.updateQuestion(params.contestId, params.questionId, body)),
  'GET /api/admin/question-template': async ({ query }) =>
    query.format === 'xlsx'
      ? file(await questionTemplateXlsx(), XLSX_CONTENT_TYPE, 'mau-cau-hoi.xlsx')
      : file(questionTemplateCsv(), 'text/csv; charset=utf-8', 'mau-cau-hoi.csv'),
  'DELETE /api/admin/contests/{contestId}/questions/{questionId}': async ({ params }) => {
    await contestCases.deleteQuestion(params.contestId, params.questionId);
    return noContent();
  },
});
