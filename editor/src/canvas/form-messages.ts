/**
 * rjsf's own words in the config forms (its buttons' names, empty arrays, optional fields, the
 * alternatives of anyOf/oneOf fields), in English and 简体中文, by rjsf's TranslatableString key
 * (merged into the editor's resources under `form`; form-widgets.tsx hands them to rjsf).
 */
const en = {
  ArrayItemTitle: 'Item', EmptyArray: 'No items yet. Use the button below to add some.', YesLabel: 'Yes', NoLabel: 'No', CloseLabel: 'Close',
  NewStringDefault: 'New Value', AddButton: 'Add', AddItemButton: 'Add Item', CopyButton: 'Copy', MoveDownButton: 'Move down', MoveUpButton: 'Move up',
  RemoveButton: 'Remove', ClearButton: 'clear input', OptionalObjectAdd: 'Add data for optional field', OptionalObjectRemove: 'Remove data for optional field',
  OptionalObjectEmptyMsg: 'No data for optional field', OptionPrefix: 'Option {{p1}}', TitleOptionPrefix: '{{p1}} option {{p2}}', KeyLabel: '{{p1}} Key',
  DecrementAriaLabel: 'Decrease value by 1', IncrementAriaLabel: 'Increase value by 1',
}

export type FormMessages = typeof en

const zhCN: FormMessages = {
  ArrayItemTitle: '项', EmptyArray: '还没有项目。使用下方按钮添加。', YesLabel: '是', NoLabel: '否', CloseLabel: '关闭',
  NewStringDefault: '新值', AddButton: '添加', AddItemButton: '添加项', CopyButton: '复制', MoveDownButton: '下移', MoveUpButton: '上移',
  RemoveButton: '删除', ClearButton: '清除输入', OptionalObjectAdd: '为可选字段添加数据', OptionalObjectRemove: '删除可选字段的数据',
  OptionalObjectEmptyMsg: '可选字段没有数据', OptionPrefix: '选项 {{p1}}', TitleOptionPrefix: '{{p1}} 选项 {{p2}}', KeyLabel: '{{p1}} 键',
  DecrementAriaLabel: '减 1', IncrementAriaLabel: '加 1',
}

export const formMessages = { en, 'zh-CN': zhCN }
