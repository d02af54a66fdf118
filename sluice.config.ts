// Project config: folders of custom node types, relative to this file (see docs/writing-a-node-type.md).
export default { nodes: ['examples/custom-node'] }
