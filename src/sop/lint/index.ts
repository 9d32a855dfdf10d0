export function lintText(_t: string, _f: string) { return { parsed: true, findings: [] as unknown[] }; }
