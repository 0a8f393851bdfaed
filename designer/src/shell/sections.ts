// The app's top-level screens. Each area adds one entry; its component is loaded lazily, so heavy
// editors (Monaco, the flow canvas, charts) stay out of the initial bundle.
import { lazy, type ComponentType, type LazyExoticComponent } from 'react';
import type { LocalizedText } from '../../../runtime/localized-text';

/** Props every section receives: the route segments after the section key. */
export interface SectionProps {
  readonly path: readonly string[];
}

export interface Section {
  /** First route segment, e.g. `tables` for `#/tables/...`. */
  readonly key: string;
  readonly label: LocalizedText;
  /** Who the section is for; the header groups entries by audience. */
  readonly audience: 'admin' | 'rep' | 'manager';
  readonly component: LazyExoticComponent<ComponentType<SectionProps>>;
}

/** Shown for an empty or unknown route. */
export const homeSection: Section = {
  key: 'home',
  label: { 'zh-CN': '概览', en: 'Overview' },
  audience: 'admin',
  component: lazy(() => import('../home/HomeSection')),
};

export const sections: readonly Section[] = [
  homeSection,
  {
    key: 'tables',
    label: { 'zh-CN': '数据表', en: 'Tables' },
    audience: 'admin',
    component: lazy(() => import('../tables/TablesSection')),
  },
  {
    key: 'forms',
    label: { 'zh-CN': '表单', en: 'Forms' },
    audience: 'admin',
    component: lazy(() => import('../forms/FormsSection')),
  },
  {
    key: 'intake',
    label: { 'zh-CN': '线索来源', en: 'Intake' },
    audience: 'admin',
    component: lazy(() => import('../intake/IntakeSection')),
  },
  {
    key: 'people',
    label: { 'zh-CN': '人员与角色', en: 'People' },
    audience: 'admin',
    component: lazy(() => import('../people/PeopleSection')),
  },
  {
    key: 'templates',
    label: { 'zh-CN': '行业模板', en: 'Templates' },
    audience: 'admin',
    component: lazy(() => import('../templates/TemplatesSection')),
  },
  {
    key: 'flows',
    label: { 'zh-CN': '流程', en: 'Flows' },
    audience: 'admin',
    component: lazy(() => import('../flows/FlowsSection')),
  },
  {
    key: 'rules',
    label: { 'zh-CN': '规则', en: 'Rules' },
    audience: 'admin',
    component: lazy(() => import('../rules/RulesSection')),
  },
  {
    key: 'dashboards',
    label: { 'zh-CN': '看板', en: 'Dashboards' },
    audience: 'manager',
    component: lazy(() => import('../dashboards/DashboardsSection')),
  },
  {
    key: 'raw',
    label: { 'zh-CN': '源码模式', en: 'Raw JSON' },
    audience: 'admin',
    component: lazy(() => import('../raw/RawSection')),
  },
  {
    key: 'rep',
    label: { 'zh-CN': '我的线索', en: 'My leads' },
    audience: 'rep',
    component: lazy(() => import('../rep/RepSection')),
  },
];
