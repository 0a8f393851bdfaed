import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../platform/config';

describe('start-up template configuration', () => {
  it('reads --template and --demo from the command line, the space from the pack key', () => {
    expect(loadConfig({}, ['--template', 'medical-device', '--demo']).template).toEqual({
      key: 'medical-device',
      space: 'medical_device',
      demo: true,
    });
  });

  it('reads BATON_TEMPLATE, BATON_TEMPLATE_SPACE and BATON_DEMO from the environment', () => {
    const env = {
      BATON_TEMPLATE: 'industrial-automation',
      BATON_TEMPLATE_SPACE: 'ia',
      BATON_DEMO: 'false',
    };
    expect(loadConfig(env).template).toEqual({
      key: 'industrial-automation',
      space: 'ia',
      demo: false,
    });
    expect(loadConfig({}).template).toBeUndefined();
  });

  it('refuses demo mode without a template, and keys that are not keys', () => {
    expect(() => loadConfig({ BATON_DEMO: 'true' })).toThrow(ConfigError);
    expect(() => loadConfig({}, ['--template', '../etc'])).toThrow(/must be a template key/);
    expect(() =>
      loadConfig({ BATON_TEMPLATE: 'medical-device', BATON_TEMPLATE_SPACE: 'Bad Space' }),
    ).toThrow(/must be a space key/);
  });
});
