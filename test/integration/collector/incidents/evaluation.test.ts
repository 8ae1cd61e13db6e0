/**
 * The customer's evaluation as a follow-up (seed 002 服务评价: the satisfaction call comes after the resolution), in a
 * running collector on an injected clock: recorded later on a resolved or closed incident through the API and
 * `outpost incident evaluate`, once per incident (a second one replaces the first, and the timeline keeps the one it
 * replaced), refused on an open incident and for bad input naming the field with nothing stored, and counted in the
 * SLA report of the month the incident opened — not the month the evaluation came in.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runOutpost } from '../../../helpers/cli.js';
import { ADMIN, OPERATOR, VIEWER, json } from '../support.js';
import { startClockedCollector, type ClockedCollector } from '../sla-service/support.js';

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
// Friday 2026-10-30 10:00 Asia/Shanghai: the incident opens in October, the customer is called in November.
const T0 = Date.parse('2026-10-30T02:00:00Z');

const OVERRIDES = {
  timezone: 'Asia/Shanghai',
  sla: { contracts: [{ name: 'acme', policy: 'contract-003', calendar: '24x7', availability_target: 98, satisfaction_target: 90, members: { targets: ['web-1'] } }] },
};

let c: ClockedCollector;
let number: string;
const post = (path: string, token: string, body: unknown) => c.api(path, token, { method: 'POST', body: JSON.stringify(body) });
const show = (n: string) => json(c.api(`/api/v1/incidents/${n}`, VIEWER));
const url = () => ['--url', `http://127.0.0.1:${c.running.apiPort}`];
const cli = (...args: string[]) => runOutpost(args, { OUTPOST_TOKEN: OPERATOR });
const kinds = (detail: { timeline: Array<{ kind: string }> }) => detail.timeline.map((e) => e.kind);

beforeAll(async () => {
  c = await startClockedCollector(OVERRIDES, T0);
  const res = await post('/api/v1/incidents', OPERATOR, { title: 'OA 登录失败', severity: 'P3', target: 'web-1' });
  expect(res.status).toBe(201);
  number = ((await res.json()) as { number: string }).number;
});
afterAll(async () => {
  await c?.stop();
});

describe('recording the evaluation after the fact', () => {
  it('is refused on an open incident (409 naming its status) and for bad bodies (400 naming each field); nothing stored', async () => {
    const open = await post(`/api/v1/incidents/${number}/evaluate`, OPERATOR, { score: 90, evaluator: '张经理' });
    expect(open.status).toBe(409);
    expect((await json(open)).error).toBe(`cannot evaluate incident ${number}: it is open (the customer evaluates a resolved or closed incident)`);

    expect((await post(`/api/v1/incidents/${number}/ack`, OPERATOR, {})).status).toBe(200);
    expect((await post(`/api/v1/incidents/${number}/resolve`, OPERATOR, { cause: '证书过期', resolution: '更换证书' })).status).toBe(200);

    const cases: Array<[unknown, Array<{ field: string; message: string }>]> = [
      [{ score: 101, evaluator: '张经理' }, [{ field: 'body.score', message: 'score must be 0-100' }]],
      [{ score: -1, evaluator: '张经理' }, [{ field: 'body.score', message: 'score must be 0-100' }]],
      [{ score: 9.5, evaluator: '张经理' }, [{ field: 'body.score', message: 'score must be a whole number 0-100' }]],
      [{ score: '95', evaluator: '张经理' }, [{ field: 'body.score', message: 'score must be a whole number 0-100' }]],
      [{ evaluator: '张经理' }, [{ field: 'body.score', message: 'score is required' }]],
      [{ score: 95 }, [{ field: 'body.evaluator', message: 'evaluator is required (who gave the evaluation)' }]],
      [{ score: 95, evaluator: '  ' }, [{ field: 'body.evaluator', message: 'evaluator is required (who gave the evaluation)' }]],
      [{ score: 95, evaluator: '张经理', stars: 5 }, [{ field: 'body.stars', message: 'unknown parameter' }]],
    ];
    for (const [body, details] of cases) {
      const res = await post(`/api/v1/incidents/${number}/evaluate`, OPERATOR, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await json(res)).details, JSON.stringify(body)).toEqual(details);
    }
    expect((await post(`/api/v1/incidents/${number}/evaluate`, VIEWER, { score: 95, evaluator: '张经理' })).status).toBe(403);
    expect((await post('/api/v1/incidents/INC-20261030-0099/evaluate', OPERATOR, { score: 95, evaluator: '张经理' })).status).toBe(404);

    const detail = await show(number);
    expect(detail.evaluation).toBeNull();
    expect(kinds(detail)).toEqual(['opened', 'acknowledged', 'resolved']);
  });

  it('API: a resolved incident takes the evaluation in the next month, on the timeline; the status stays resolved', async () => {
    c.advance(4 * DAY); // Tuesday 2026-11-03
    // November has an incident of its own (the month's report needs some data), never evaluated.
    expect((await post('/api/v1/incidents', OPERATOR, { title: '打印队列阻塞', severity: 'P4', target: 'web-1' })).status).toBe(201);
    const res = await post(`/api/v1/incidents/${number}/evaluate`, OPERATOR, { score: 80, evaluator: '张经理', comment: '响应慢了一些' });
    expect(res.status).toBe(200);
    const detail = await json(res);
    expect(detail).toMatchObject({ status: 'resolved', evaluation: { score: 80, evaluator: '张经理', comment: '响应慢了一些', recorded_by: 'o', at_ms: c.clock() } });
    expect(detail.timeline.at(-1)).toMatchObject({ kind: 'evaluated', actor: 'o', note: '响应慢了一些', data: { score: 80, evaluator: '张经理' } });
  });

  it('CLI: incident evaluate replaces it (the timeline keeps the earlier score); bad input exits non-zero naming the option', async () => {
    expect(await cli('incident', 'evaluate', number, ...url(), '--score', '150', '--by', '张经理')).toEqual({
      code: 2,
      stdout: '',
      stderr: 'outpost: --score must be a whole number 0-100, got "150"\n',
    });
    const noBy = await cli('incident', 'evaluate', number, ...url(), '--score', '95');
    expect(noBy.code).not.toBe(0);
    expect(noBy.stderr).toContain("required option '--by <name>' not specified");
    expect((await show(number)).evaluation).toMatchObject({ score: 80 });

    c.advance(DAY);
    const out = await cli('incident', 'evaluate', number, ...url(), '--score', '95', '--by', '李主任', '--comment', '回访后满意');
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('evaluation: 95/100 by 李主任  "回访后满意"');
    const detail = await show(number);
    expect(detail.evaluation).toMatchObject({ score: 95, evaluator: '李主任', recorded_by: 'o' });
    expect(detail.timeline.at(-1)).toMatchObject({
      kind: 'evaluation_replaced',
      note: '回访后满意',
      data: { score: 95, evaluator: '李主任', previous_score: 80, previous_evaluator: '张经理', previous_at_ms: c.clock() - DAY },
    });
  });

  it('a closed incident can be evaluated too; closing with a score after an evaluation replaces it the same way', async () => {
    const res = await post(`/api/v1/incidents/${number}/close`, OPERATOR, { score: 92, evaluator: '李主任' });
    expect(res.status).toBe(200);
    const detail = await json(res);
    expect(detail.status).toBe('closed');
    expect(kinds(detail).slice(-2)).toEqual(['closed', 'evaluation_replaced']);
    expect(detail.timeline.at(-1).data).toMatchObject({ score: 92, previous_score: 95 });
    const again = await post(`/api/v1/incidents/${number}/evaluate`, OPERATOR, { score: 96, evaluator: '李主任' });
    expect(again.status).toBe(200);
    expect((await json(again)).evaluation).toMatchObject({ score: 96 });
  });
});

describe('the SLA report counts it in the month the incident opened', () => {
  it('October (opened) shows the evaluation, November (evaluated) does not; the policy section says so', async () => {
    c.advance(40 * DAY); // December: both months are past
    const october = await json(c.api('/api/v1/reports/sla?period=2026-10&contract=acme', ADMIN));
    expect(october.satisfaction).toMatchObject({ target: 90, count: 1, average: 96, met: true });
    expect(october.satisfaction.evaluations).toEqual([expect.objectContaining({ number, score: 96, evaluator: '李主任', opened_at: new Date(T0).toISOString() })]);
    const november = await json(c.api('/api/v1/reports/sla?period=2026-11&contract=acme', ADMIN));
    expect(november.satisfaction).toMatchObject({ count: 0, average: null, met: null });

    const html = await (await c.api('/api/v1/reports/sla?period=2026-10&contract=acme&format=html&lang=zh-CN', ADMIN)).text();
    expect(html).toContain('客户满意度');
    expect(html).toContain('李主任');
    expect(html).toContain('客户评价（0–100 分）计入事件创建所在月份');
    expect(html).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/);
  });
});
