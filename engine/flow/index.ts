/**
 * The flow format: schema, canonical formatting, verification, diff and upgrade. Browser-safe
 * (the editor imports it); file reading and writing is in ./files.ts, for Node only.
 */
export * from './schema.ts'
export { canonicalFlow, formatFlow } from './format.ts'
export { parseJsonText } from './parse-json.ts'
export { catalogueWarnings, hasErrors, verifyFlow, verifyFlowText } from './verify.ts'
export type { FlowIssue, VerifyOptions } from './verify.ts'
export { diffFlows, diffValues, formatFlowDiff, isEmptyDiff } from './diff.ts'
export type { FlowDiff, NodeChange, ValueChange } from './diff.ts'
export { upgradeFlow } from './upgrade.ts'
export { flowJsonSchema, flowJsonSchemaText } from './json-schema.ts'
