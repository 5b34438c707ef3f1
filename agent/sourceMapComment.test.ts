import { describe, expect, it } from 'vitest';
import { decodeDataUrl, sourceMappingUrl } from './sourceMapComment';

describe('sourceMappingUrl', () => {
  it('finds the comment that ends a script, in either comment style', () => {
    expect(sourceMappingUrl('x();\n//# sourceMappingURL=a.js.map\n')).toBe('a.js.map');
    expect(sourceMappingUrl('x();\n/*# sourceMappingURL=a.css.map */')).toBe('a.css.map');
    expect(sourceMappingUrl('x();\n//@ sourceMappingURL=old.map')).toBe('old.map');
    expect(sourceMappingUrl('const s = "//# sourceMappingURL=not.map"; x();\n')).toBeUndefined();
    expect(sourceMappingUrl('x();')).toBeUndefined();
  });

  it('decodes base64 and percent-encoded data: URLs', () => {
    expect(decodeDataUrl(`data:application/json;base64,${Buffer.from('{"a":1}').toString('base64')}`)).toBe('{"a":1}');
    expect(decodeDataUrl('data:application/json,%7B%22a%22%3A1%7D')).toBe('{"a":1}');
    expect(() => decodeDataUrl('data:nothing')).toThrow();
  });
});
