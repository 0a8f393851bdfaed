// What each field type is called in the palette, in both languages.
import type { FieldType } from '../../../runtime/definition/field-schema';
import type { LocalizedText } from '../../../runtime/localized-text';

export const fieldTypeLabels: Record<FieldType, LocalizedText> = {
  text: { 'zh-CN': '单行文本', en: 'Text' },
  long_text: { 'zh-CN': '多行文本', en: 'Long text' },
  number: { 'zh-CN': '数字', en: 'Number' },
  integer: { 'zh-CN': '整数', en: 'Integer' },
  money: { 'zh-CN': '金额', en: 'Money' },
  boolean: { 'zh-CN': '是/否', en: 'Yes/no' },
  date: { 'zh-CN': '日期', en: 'Date' },
  datetime: { 'zh-CN': '日期时间', en: 'Date and time' },
  select: { 'zh-CN': '单选', en: 'Single select' },
  multi_select: { 'zh-CN': '多选', en: 'Multi select' },
  phone: { 'zh-CN': '手机号', en: 'Phone' },
  email: { 'zh-CN': '邮箱', en: 'E-mail' },
  url: { 'zh-CN': '网址', en: 'URL' },
  user: { 'zh-CN': '人员', en: 'User' },
  relation: { 'zh-CN': '关联记录', en: 'Relation' },
  attachments: { 'zh-CN': '附件', en: 'Attachments' },
  tags: { 'zh-CN': '标签', en: 'Tags' },
  json: { 'zh-CN': 'JSON', en: 'JSON' },
  computed: { 'zh-CN': '计算字段', en: 'Computed' },
  auto_number: { 'zh-CN': '自动编号', en: 'Auto number' },
};
