/** IM cards and emails carry two console links for an open incident: 查看 (open it) and 认领 (open it with the acknowledge dialog ready). */
import { describe, expect, it } from 'vitest';
import { feishuMessage } from '../../../../collector/notify/feishu.js';
import { claimUrl, renderNotice } from '../../../../collector/notify/render.js';
import { sampleNotice } from '../../../helpers/notices.js';

const CONSOLE = 'https://ops.example.test/#/incidents/INC-20261121-0007';

describe('认领 links', () => {
  it('an open incident with a console link gets the claim link in markdown, email and the Feishu card', () => {
    const notice = sampleNotice({}, { url: CONSOLE });
    expect(claimUrl(notice)).toBe(`${CONSOLE}?ack=1`);
    const rendered = renderNotice(notice);
    expect(rendered.markdown.split('\n').at(-1)).toBe(`[查看工单](${CONSOLE}) · [认领](${CONSOLE}?ack=1)`);
    expect(rendered.html).toContain(`<a href="${CONSOLE}?ack=1">认领</a>`);
    const card = feishuMessage(rendered, 'card') as { card: { elements: Array<{ tag: string; actions?: Array<{ url: string; text: { content: string } }> }> } };
    const actions = card.card.elements.find((e) => e.tag === 'action')!.actions!;
    expect(actions.map((a) => [a.text.content, a.url])).toEqual([
      ['查看工单', CONSOLE],
      ['认领', `${CONSOLE}?ack=1`],
    ]);
    expect(renderNotice(notice, 'en').markdown).toContain(`[Acknowledge](${CONSOLE}?ack=1)`);
  });

  it('no claim link once acknowledged, or for a link that is not the console\'s', () => {
    expect(claimUrl(sampleNotice({ kind: 'acknowledged' }, { url: CONSOLE, status: 'acknowledged' }))).toBeUndefined();
    expect(claimUrl(sampleNotice())).toBeUndefined();
    expect(renderNotice(sampleNotice()).markdown).not.toContain('认领');
  });
});
