import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { redactUrl, robotPayload, signRobotUrl } from './webhook-channel';

describe('robot webhooks', () => {
  it('signs like DingTalk: base64 HMAC-SHA256 of "timestamp\\nsecret", url-encoded', () => {
    const signed = new URL(
      signRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=t', 'SECabc', 1700000000000),
    );
    const expected = createHmac('sha256', 'SECabc')
      .update('1700000000000\nSECabc')
      .digest('base64');
    expect(signed.searchParams.get('access_token')).toBe('t');
    expect(signed.searchParams.get('timestamp')).toBe('1700000000000');
    expect(signed.searchParams.get('sign')).toBe(expected);
    expect(signed.search).not.toContain('+');
  });

  it('speaks WeCom markdown by default and DingTalk markdown to dingtalk.com', () => {
    expect(
      robotPayload('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k', '超时', '请跟进'),
    ).toEqual({
      msgtype: 'markdown',
      markdown: { content: '### 超时\n请跟进' },
    });
    expect(
      robotPayload('https://oapi.dingtalk.com/robot/send?access_token=t', '超时', '请跟进'),
    ).toEqual({
      msgtype: 'markdown',
      markdown: { title: '超时', text: '### 超时\n请跟进' },
    });
  });

  it('keeps the access token out of stored addresses', () => {
    expect(redactUrl('https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=secret')).toBe(
      'https://qyapi.weixin.qq.com/cgi-bin/webhook/send',
    );
    expect(redactUrl('not a url')).toBe('(invalid URL)');
  });
});
