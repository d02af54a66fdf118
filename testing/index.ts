/** The node-author test harness. */
export { DEFAULT_TEST_NOW, testNode } from './test-node.ts'
export type { TestDecision, TestNodeOptions, TestNodeResult } from './test-node.ts'
