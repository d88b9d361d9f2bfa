/**
 * Values at a path inside a resource's props, with the top-level property they sit under (property
 * dependencies are per top-level property) and whether they are unknown during a preview.
 * Path syntax: dotted keys; `key[]` walks a list (a single object counts as a list of one);
 * `**.key` finds `key` at any depth.
 */
import { list, obj, read, str } from "./values";

export interface Found {
  readonly path: string;
  readonly top: string;
  readonly value: { known: true; value: string | undefined } | { known: false };
}

/** The values at `path` under `props`. */
export function valuesAt(props: Record<string, unknown>, path: string): Found[] {
  const out: Found[] = [];
  const segments = path.split(".");
  const visit = (v: unknown, i: number, at: string, top: string, depth: number) => {
    if (depth > 30) return;
    if (i === segments.length) {
      out.push({ path: at, top, value: { known: true, value: str(v) } });
      return;
    }
    const seg = segments[i] as string;
    if (seg === "**") {
      const key = segments[i + 1] as string;
      const walk = (x: unknown, p: string, t: string, d: number) => {
        if (d > 30 || x === null || typeof x !== "object") return;
        const entries = Array.isArray(x) ? x.map((_, k) => String(k)) : Object.keys(x);
        for (const k of entries) {
          const child = read(() => (x as Record<string, unknown>)[k]);
          const cp = Array.isArray(x) ? `${p}[${k}]` : p ? `${p}.${k}` : k;
          const ct = t || k;
          if (k === key && !Array.isArray(x)) {
            out.push({ path: cp, top: ct, value: child.known ? { known: true, value: str(child.value) } : { known: false } });
          } else if (child.known) walk(child.value, cp, ct, d + 1);
        }
      };
      walk(v, at, top, depth);
      return;
    }
    const many = seg.endsWith("[]");
    const key = many ? seg.slice(0, -2) : seg;
    const child = read(() => obj(v)[key]);
    const cp = at ? `${at}.${key}` : key;
    const ct = top || key;
    if (!child.known) {
      out.push({ path: cp, top: ct, value: { known: false } });
      return;
    }
    if (child.value === undefined || child.value === null) return;
    if (!many) {
      visit(child.value, i + 1, cp, ct, depth + 1);
      return;
    }
    const items = read(() => list(child.value));
    if (!items.known) {
      out.push({ path: cp, top: ct, value: { known: false } });
      return;
    }
    items.value.forEach((item, k) => {
      const ip = `${cp}[${k}]`;
      const it = read(() => item);
      if (!it.known) out.push({ path: ip, top: ct, value: { known: false } });
      else visit(it.value, i + 1, ip, ct, depth + 1);
    });
  };
  visit(props, 0, "", "", 0);
  return out;
}
