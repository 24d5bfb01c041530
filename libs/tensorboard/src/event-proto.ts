/**
 * The few protobuf messages TensorBoard's event files need, encoded and decoded by hand:
 * `Event { double wall_time = 1; int64 step = 2; string file_version = 3; Summary summary = 5; }`,
 * `Summary { repeated Value value = 1; }`,
 * `Value { string tag = 1; float simple_value = 2; Image image = 4; }`,
 * `Image { int32 height = 1; int32 width = 2; int32 colorspace = 3; bytes encoded_image_string = 4; }`.
 */
export interface SummaryImage {
  height: number;
  width: number;
  /** 3 = RGB. */
  colorspace: number;
  /** PNG bytes. */
  encoded: Uint8Array;
}

export interface SummaryValue {
  tag: string;
  simpleValue?: number;
  image?: SummaryImage;
}

export interface TbEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  values?: SummaryValue[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

class Writer {
  private parts: Uint8Array[] = [];
  varint(value: number): this {
    let v = BigInt(value);
    const bytes: number[] = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      bytes.push(byte);
    } while (v > 0n);
    this.parts.push(Uint8Array.from(bytes));
    return this;
  }
  tag(field: number, wireType: number): this {
    return this.varint((field << 3) | wireType);
  }
  bytes(field: number, value: Uint8Array): this {
    this.tag(field, 2).varint(value.length);
    this.parts.push(value);
    return this;
  }
  double(field: number, value: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.tag(field, 1);
    this.parts.push(b);
    return this;
  }
  float(field: number, value: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.tag(field, 5);
    this.parts.push(b);
    return this;
  }
  finish(): Uint8Array {
    const out = new Uint8Array(this.parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of this.parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  }
}

export function encodeEvent(event: TbEvent): Uint8Array {
  const w = new Writer().double(1, event.wallTime).tag(2, 0).varint(event.step);
  if (event.fileVersion !== undefined) w.bytes(3, encoder.encode(event.fileVersion));
  if (event.values) {
    const summary = new Writer();
    for (const value of event.values) summary.bytes(1, encodeValue(value));
    w.bytes(5, summary.finish());
  }
  return w.finish();
}

function encodeValue(value: SummaryValue): Uint8Array {
  const w = new Writer().bytes(1, encoder.encode(value.tag));
  if (value.simpleValue !== undefined) w.float(2, value.simpleValue);
  if (value.image) {
    const image = new Writer().tag(1, 0).varint(value.image.height).tag(2, 0).varint(value.image.width).tag(3, 0).varint(value.image.colorspace);
    image.bytes(4, value.image.encoded);
    w.bytes(4, image.finish());
  }
  return w.finish();
}

/** Fields of a message: field number → list of raw values (numbers for varints, bytes otherwise). */
function fields(bytes: Uint8Array): Map<number, (number | Uint8Array)[]> {
  const out = new Map<number, (number | Uint8Array)[]>();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  const varint = (): number => {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      const b = bytes[o++];
      result |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return Number(result);
      shift += 7n;
    }
  };
  while (o < bytes.length) {
    const key = varint();
    const field = key >>> 3;
    const wire = key & 7;
    let value: number | Uint8Array;
    if (wire === 0) value = varint();
    else if (wire === 1) {
      value = view.getFloat64(o, true);
      o += 8;
    } else if (wire === 5) {
      value = view.getFloat32(o, true);
      o += 4;
    } else if (wire === 2) {
      const length = varint();
      value = bytes.subarray(o, o + length);
      o += length;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
    out.set(field, [...(out.get(field) ?? []), value]);
  }
  return out;
}

export function decodeEvent(bytes: Uint8Array): TbEvent {
  const f = fields(bytes);
  const event: TbEvent = { wallTime: (f.get(1)?.[0] as number) ?? 0, step: (f.get(2)?.[0] as number) ?? 0 };
  const version = f.get(3)?.[0];
  if (version instanceof Uint8Array) event.fileVersion = decoder.decode(version);
  const summary = f.get(5)?.[0];
  if (summary instanceof Uint8Array) {
    event.values = (fields(summary).get(1) ?? []).map((raw) => {
      const v = fields(raw as Uint8Array);
      const value: SummaryValue = { tag: decoder.decode(v.get(1)?.[0] as Uint8Array) };
      if (v.has(2)) value.simpleValue = v.get(2)?.[0] as number;
      const image = v.get(4)?.[0];
      if (image instanceof Uint8Array) {
        const i = fields(image);
        value.image = {
          height: i.get(1)?.[0] as number,
          width: i.get(2)?.[0] as number,
          colorspace: i.get(3)?.[0] as number,
          encoded: (i.get(4)?.[0] as Uint8Array).slice(),
        };
      }
      return value;
    });
  }
  return event;
}
