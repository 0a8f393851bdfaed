// Every workflow the Baton worker registers; the SDK bundles this file for its sandbox.
export { spaceLifecycleWorkflow } from './space-lifecycle';
