/**
 * DingTalk actionCard and WeCom template card (issue "from the phone"): an incident with a console deep link goes
 * as a card whose buttons are 查看工单 (open it) and 认领 (open it with the acknowledge dialog ready, while it is
 * open); without a console link (no `api.public_url`) or with @-mentions configured, the markdown of today.
 */
import { describe, expect, it } from 'vitest';
import { cardLinks, markdownWithoutLinks } from '../../../../collector/notify/card-links.js';
import { dingtalkBody } from '../../../../collector/notify/dingtalk.js';
import { renderNotice } from '../../../../collector/notify/render.js';
import { wecomBody } from '../../../../collector/notify/wecom.js';
import { sampleNotice } from '../../../helpers/notices.js';

const CONSOLE = 'https://ops.example.test/#/incidents/INC-20261121-0007';
const open = () => renderNotice(sampleNotice({}, { url: CONSOLE }));
const acknowledged = () => renderNotice(sampleNotice({ kind: 'acknowledged', actor: '王五' }, { url: CONSOLE, status: 'acknowledged' }));
const NO_AT = { at_mobiles: [], at_all: false };

describe('card links', () => {
  it('查看工单 and 认领 for an open incident, 查看工单 alone once acknowledged, none without a console link', () => {
    expect(cardLinks(open())).toEqual([
      { title: '查看工单', url: CONSOLE },
      { title: '认领', url: `${CONSOLE}?ack=1` },
    ]);
    expect(cardLinks(renderNotice(sampleNotice({}, { url: CONSOLE }), 'en')).map((l) => l.title)).toEqual(['Open ticket', 'Acknowledge']);
    expect(cardLinks(acknowledged())).toEqual([{ title: '查看工单', url: CONSOLE }]);
    expect(cardLinks(renderNotice(sampleNotice()))).toEqual([]); // an API link, not the console's
    expect(cardLinks(renderNotice(sampleNotice({}, { url: undefined })))).toEqual([]);
  });

  it('the markdown loses its trailing link line only when the buttons carry those links', () => {
    const message = open();
    const text = markdownWithoutLinks(message.markdown, cardLinks(message));
    expect(message.markdown.endsWith(`[认领](${CONSOLE}?ack=1)`)).toBe(true);
    expect(text).not.toContain(CONSOLE);
    expect(text.startsWith('### 【P1 紧急】INC-20261121-0007 已创建')).toBe(true);
    expect(markdownWithoutLinks('### t\n\n- a', [{ title: 'x', url: 'https://elsewhere.test/' }])).toBe('### t\n\n- a');
  });
});

describe('DingTalk', () => {
  it('an open incident: actionCard with two side-by-side buttons', () => {
    const body = dingtalkBody(open(), NO_AT) as { msgtype: string; actionCard: Record<string, unknown> };
    expect(body.msgtype).toBe('actionCard');
    expect(body.actionCard).toMatchObject({
      title: '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss',
      btnOrientation: '1',
      btns: [
        { title: '查看工单', actionURL: CONSOLE },
        { title: '认领', actionURL: `${CONSOLE}?ack=1` },
      ],
    });
    expect(body.actionCard.text).toContain('- **对象**: web-01');
    expect(body.actionCard.text).not.toContain('](');
  });

  it('an acknowledged incident: the single-button form', () => {
    const body = dingtalkBody(acknowledged(), NO_AT) as { actionCard: Record<string, unknown> };
    expect(body.actionCard).toMatchObject({ singleTitle: '查看工单', singleURL: CONSOLE });
    expect(body.actionCard).not.toHaveProperty('btns');
  });

  it('markdown as today without a console link, or when the channel @-mentions people (a card cannot)', () => {
    expect(dingtalkBody(renderNotice(sampleNotice()), NO_AT)).toMatchObject({ msgtype: 'markdown' });
    const mentioned = dingtalkBody(open(), { at_mobiles: ['13800138000'], at_all: false }) as { msgtype: string; markdown: { text: string } };
    expect(mentioned.msgtype).toBe('markdown');
    expect(mentioned.markdown.text).toContain(`[认领](${CONSOLE}?ack=1)`);
    expect(dingtalkBody(open(), { at_mobiles: [], at_all: true })).toMatchObject({ msgtype: 'markdown' });
  });
});

describe('WeCom', () => {
  it('an open incident: a text_notice template card, tap opens it, 查看工单 and 认领 in jump_list', () => {
    const body = wecomBody(open(), { mention_users: [] }) as { msgtype: string; template_card: Record<string, any> };
    expect(body.msgtype).toBe('template_card');
    expect(body.template_card).toEqual({
      card_type: 'text_notice',
      source: { desc: 'Outpost', desc_color: 2 },
      main_title: { title: '【P1 紧急】INC-20261121-0007 已创建 — web-01 ping: 100% packet loss' },
      horizontal_content_list: [
        { keyname: '对象', value: 'web-01' },
        { keyname: '检查项', value: 'ping' },
        { keyname: '发生时间', value: '2026-11-21 10:07:00 (UTC+8)' },
      ],
      jump_list: [
        { type: 1, title: '查看工单', url: CONSOLE },
        { type: 1, title: '认领', url: `${CONSOLE}?ack=1` },
      ],
      card_action: { type: 1, url: CONSOLE },
    });
  });

  it('at most 6 rows; grey for P3/P4; markdown without a console link or with mention_users', () => {
    const many = renderNotice(sampleNotice({ kind: 'acknowledged', actor: '王五', note: '已到现场', detail: 'x', atMs: Date.UTC(2026, 10, 21, 3) }, { url: CONSOLE, severity: 'P3', status: 'acknowledged' }));
    const card = (wecomBody(many, { mention_users: [] }) as { template_card: Record<string, any> }).template_card;
    expect(card.horizontal_content_list).toHaveLength(6);
    const long = renderNotice(sampleNotice({ note: '磁盘'.repeat(100) }, { url: CONSOLE }));
    const note = (wecomBody(long, { mention_users: [] }) as { template_card: Record<string, any> }).template_card.horizontal_content_list.at(-1);
    expect(note.value).toBe(`${'磁盘'.repeat(31)}磁…`);
    expect(card.source.desc_color).toBe(0);
    expect(card.jump_list).toEqual([{ type: 1, title: '查看工单', url: CONSOLE }]);
    expect(wecomBody(renderNotice(sampleNotice()), { mention_users: [] })).toMatchObject({ msgtype: 'markdown' });
    expect(wecomBody(open(), { mention_users: ['zhangsan'] })).toMatchObject({ msgtype: 'markdown' });
  });
});
