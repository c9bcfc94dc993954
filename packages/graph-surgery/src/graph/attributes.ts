/** Reading and setting node attributes by name. */
import { ToolkitError } from '@tamkit/common';
import { toSafeNumber } from '../onnx/tensor-data.js';
import { type AttributeProto, AttributeType, type Int64, type NodeProto, type TensorProto } from '../onnx/types.js';
import { type AttributeValue, makeAttribute } from './build.js';

export function getAttribute(node: NodeProto, name: string): AttributeProto | undefined {
  return node.attribute.find((a) => a.name === name);
}

function wrongType(node: NodeProto, name: string, want: string): ToolkitError {
  return new ToolkitError(
    'ATTRIBUTE_TYPE',
    `node "${node.name ?? ''}" (${node.opType}): attribute ${name} is not ${want}`,
    {
      remedy: 'The model does not follow the ONNX operator spec; re-export it.',
    },
  );
}

export function getInt(node: NodeProto, name: string): Int64 | undefined;
export function getInt(node: NodeProto, name: string, fallback: number): Int64;
export function getInt(node: NodeProto, name: string, fallback?: number): Int64 | undefined {
  const a = getAttribute(node, name);
  if (!a) return fallback;
  if (a.i === undefined && a.type !== AttributeType.INT) throw wrongType(node, name, 'an int');
  return a.i ?? 0;
}

export function getIntNumber(node: NodeProto, name: string, fallback: number): number {
  return toSafeNumber(getInt(node, name, fallback), `${node.name ?? node.opType}.${name}`);
}

export function getInts(node: NodeProto, name: string): Int64[] | undefined {
  return getAttribute(node, name)?.ints;
}

export function getFloat(node: NodeProto, name: string, fallback: number): number {
  const a = getAttribute(node, name);
  return a?.f ?? fallback;
}

export function getString(node: NodeProto, name: string): string | undefined {
  const a = getAttribute(node, name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

export function getTensorAttribute(node: NodeProto, name: string): TensorProto | undefined {
  return getAttribute(node, name)?.t;
}

/** Sets (or replaces) an attribute. */
export function setAttribute(node: NodeProto, name: string, value: AttributeValue): void {
  const attr = makeAttribute(name, value);
  const i = node.attribute.findIndex((a) => a.name === name);
  if (i >= 0) node.attribute[i] = attr;
  else node.attribute.push(attr);
}
