// The npz's zip container (export.ts storedZip, fflate with every entry stored): one archive
// against the bytes spelled out from the zip specification (APPNOTE 6.3 §4.3) by hand, the CRC-32
// of "hello" being its published value 0x3610A686. The slow suite reads whole exports with NumPy.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { storedZip } from './export.js';

test('storedZip: local header, data, central directory and end record, field by field', () => {
  const zip = storedZip([{ name: 'a.npy', data: Buffer.from('hello') }]);
  const u16 = (n: number) => [n & 0xff, n >>> 8];
  const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
  const name = [...Buffer.from('a.npy')];
  // version 2.0, no flags, stored, 00:00 on 1980-01-01 (DOS date 0x0021), CRC, sizes 5 and 5, name length 5, no extra.
  const fields = [...u16(20), ...u16(0), ...u16(0), ...u16(0), ...u16(0x21), ...u32(0x3610a686), ...u32(5), ...u32(5), ...u16(5), ...u16(0)];
  const local = [0x50, 0x4b, 0x03, 0x04, ...fields, ...name, ...Buffer.from('hello')];
  // made by 2.0, the same fields, no comment, disk 0, no attributes, the local header at offset 0.
  const central = [0x50, 0x4b, 0x01, 0x02, ...u16(20), ...fields, ...u16(0), ...u16(0), ...u16(0), ...u32(0), ...u32(0), ...name];
  const end = [0x50, 0x4b, 0x05, 0x06, ...u16(0), ...u16(0), ...u16(1), ...u16(1), ...u32(central.length), ...u32(local.length), ...u16(0)];
  assert.deepEqual([...zip], [...local, ...central, ...end]);
});

test('storedZip: a second entry\'s local header offset is the first entry\'s length; a UTF-8 name sets flag bit 11', () => {
  const zip = storedZip([{ name: 'x.npy', data: Buffer.alloc(7) }, { name: 'é.npy', data: Buffer.from('z') }]);
  const firstLength = 30 + 5 + 7;
  assert.equal(zip.readUInt32LE(firstLength), 0x04034b50, 'the second local header follows the first entry');
  assert.equal(zip.readUInt16LE(firstLength + 6), 0x800, 'UTF-8 flag on the second entry');
  const eocd = zip.length - 22;
  const cd = zip.readUInt32LE(eocd + 16);
  const secondCentral = cd + 46 + 5;
  assert.equal(zip.readUInt32LE(secondCentral), 0x02014b50);
  assert.equal(zip.readUInt32LE(secondCentral + 42), firstLength);
  assert.equal(zip.readUInt16LE(eocd + 10), 2);
});
