// Every string the designer shows, in zh-CN and en.
import type { Locale } from '../../../runtime/localized-text';

export const messages = {
  appTitle: { 'zh-CN': 'Baton 线索运营平台', en: 'Baton lead operations' },
  language: { 'zh-CN': 'English', en: '中文' },
  systemHealth: { 'zh-CN': '系统状态', en: 'System health' },
  database: { 'zh-CN': '数据库', en: 'Database' },
  temporal: { 'zh-CN': '工作流引擎', en: 'Workflow engine' },
  worker: { 'zh-CN': '工作进程', en: 'Worker' },
  ok: { 'zh-CN': '正常', en: 'OK' },
  unavailable: { 'zh-CN': '不可用', en: 'Unavailable' },
  checking: { 'zh-CN': '检查中…', en: 'Checking…' },
  spaces: { 'zh-CN': '业务空间', en: 'Spaces' },
  noSpaces: { 'zh-CN': '还没有业务空间', en: 'No spaces yet' },
  newSpace: { 'zh-CN': '新建业务空间', en: 'New space' },
  spaceKey: {
    'zh-CN': '标识（小写字母、数字、下划线）',
    en: 'Key (lower-case letters, digits, _)',
  },
  nameZh: { 'zh-CN': '中文名称', en: 'Chinese name' },
  nameEn: { 'zh-CN': '英文名称', en: 'English name' },
  create: { 'zh-CN': '创建', en: 'Create' },
  status_provisioning: { 'zh-CN': '开通中', en: 'Provisioning' },
  status_active: { 'zh-CN': '已启用', en: 'Active' },
} as const;

export type MessageKey = keyof typeof messages;

export function translate(key: MessageKey, locale: Locale): string {
  return messages[key][locale];
}
