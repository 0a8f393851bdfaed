import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { describe, expect, it } from 'vitest';
import { templateJsonSchema } from '../runtime/templates/template-schema';

const read = async (file: string) =>
  JSON.parse(await readFile(path.join(import.meta.dirname, file), 'utf8')) as unknown;

describe('template.schema.json', () => {
  it('is the JSON Schema of the template format (regenerate it from templateJsonSchema())', async () => {
    expect(await read('template.schema.json')).toEqual(templateJsonSchema());
  });

  it('accepts both shipped packs', async () => {
    const validate = new Ajv2020({ strict: false }).compile(templateJsonSchema());
    for (const pack of ['medical-device', 'industrial-automation']) {
      expect(validate(await read(`${pack}/template.json`)), JSON.stringify(validate.errors)).toBe(
        true,
      );
    }
  });
});
