// A row's messages per day over 30 days, as a small line. Stopgap: the console has no chart
// library yet, and the Insights area is meant to use a real one (uPlot is the candidate: small,
// canvas, made for many small time series); this component is the one place to swap. The points
// are the values as given, scaled to the row's own maximum, so a quiet group's shape still shows.

export function Sparkline({ values, label, testid }: { values: readonly number[]; label: string; testid?: string }) {
  const width = 120;
  const height = 28;
  const max = Math.max(1, ...values);
  const step = values.length > 1 ? width / (values.length - 1) : width;
  const points = values.map((v, i) => `${(i * step).toFixed(1)},${(height - 2 - (v / max) * (height - 4)).toFixed(1)}`).join(' ');
  return (
    <svg className="sparkline" width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label} data-testid={testid}>
      <title>{label}</title>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinejoin="round" />
    </svg>
  );
}
