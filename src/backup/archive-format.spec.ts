import { describe, expect, it } from '@jest/globals';
import {
  ArchiveError,
  dataEntryName,
  parseDataEntryName,
  parseEndMarker,
  parseFileEntryName,
  parseManifest,
  type Manifest,
} from './archive-format.js';

function aManifest(overrides: Partial<Manifest> = {}): Manifest {
  return {
    format: 'consilium-backup',
    formatVersion: 1,
    createdAt: '2026-12-02T04:00:00.000Z',
    database: 'consilium',
    server: { version: '18.1', versionNum: 180001 },
    migrations: [{ timestamp: 1764165600000, name: 'Foundation1764165600000' }],
    tables: [{ schema: 'public', name: 'app_user', columns: ['id', 'email'], rows: 2 }],
    sequences: [{ schema: 'public', name: 'audit_event_id_seq', lastValue: '42', isCalled: true }],
    files: { count: 0, bytes: 0 },
    ...overrides,
  };
}

describe('archive format', () => {
  it('should name a chunk by table index and number, and read the name back', () => {
    const name = dataEntryName(7, 'audit_event', 12);
    expect(name).toBe('data/0007-audit_event/000012.copy');
    expect(parseDataEntryName(name)).toEqual({ tableIndex: 7, chunk: 12 });
    // A table name that is no file name still gives a readable, parseable entry.
    expect(parseDataEntryName(dataEntryName(3, 'we/ird "name"', 0))).toEqual({ tableIndex: 3, chunk: 0 });
    expect(parseDataEntryName('data/0007-audit_event/12.copy')).toBeUndefined();
    expect(parseDataEntryName('../data/0007-x/000001.copy')).toBeUndefined();
  });

  it('should take only SHA-256 names for record files', () => {
    const sha = 'ab'.repeat(32);
    expect(parseFileEntryName(`files/records/${sha}`)).toBe(sha);
    expect(parseFileEntryName(`files/records/${sha}/../x`)).toBeUndefined();
    expect(parseFileEntryName('files/records/not-a-hash')).toBeUndefined();
  });

  it('should read back a manifest it wrote', () => {
    const manifest = aManifest();
    expect(parseManifest(JSON.stringify(manifest))).toEqual(manifest);
  });

  it('should refuse another format, another version, and a damaged manifest, saying which', () => {
    expect(() => parseManifest('{"format":"pg_dump"}')).toThrow('this is not a Consilium backup');
    expect(() => parseManifest(JSON.stringify(aManifest({ formatVersion: 2 })))).toThrow(
      'the archive has format version 2; this version of Consilium reads version 1',
    );
    expect(() => parseManifest('{"format":"consilium-backup"')).toThrow(ArchiveError);
    expect(() => parseManifest(JSON.stringify(aManifest({ migrations: [] })))).toThrow('damaged: migrations');
    const twice = aManifest();
    twice.tables.push({ ...twice.tables[0] });
    expect(() => parseManifest(JSON.stringify(twice))).toThrow('public.app_user is listed twice');
    const badSequence = aManifest({
      sequences: [{ schema: 'public', name: 's', lastValue: '1; DROP', isCalled: true }],
    });
    expect(() => parseManifest(JSON.stringify(badSequence))).toThrow('damaged: sequences');
    const noColumns = aManifest({ tables: [{ schema: 'public', name: 't', columns: [], rows: 0 }] });
    expect(() => parseManifest(JSON.stringify(noColumns))).toThrow('damaged: columns of t');
  });

  it('should check that the end marker closes the same tables as the manifest', () => {
    const manifest = aManifest();
    const table = { bytes: 10, sha256: 'c'.repeat(64), rows: 2 };
    expect(parseEndMarker(JSON.stringify({ complete: true, tables: [table], files: 0 }), manifest).tables).toEqual([
      table,
    ]);
    expect(() => parseEndMarker(JSON.stringify({ complete: true, tables: [], files: 0 }), manifest)).toThrow(
      'the end marker lists 0 tables, the manifest 1',
    );
    expect(() => parseEndMarker(JSON.stringify({ complete: false, tables: [table], files: 0 }), manifest)).toThrow(
      'the end marker is damaged',
    );
  });
});
