// Posters (issue 9): PNG posters rendered one after another — each awaited before the next starts,
// so one core works at a time (drawing on the main thread, the PNG encoder on one libuv thread) —
// for every layout, then on a campaign's own photo background (decoded and scaled once, as for a
// campaign's participants). Figures: posters a second (wall clock), the CPU time of one poster
// (all threads of the process) and what that makes on one core (`perCpuSecond`: unlike the wall
// clock, not lowered when other processes share the cores), and the target of 20 a second.

import { createCanvas } from '@napi-rs/canvas';
import { POSTER_LAYOUTS, renderPoster } from '../src/growth/posters/index.ts';

const COUNT = Number(process.env.CHORUS_BENCH_POSTERS ?? 150);
const TARGET = 20;

/** A photo-like JPEG (noise, shapes and a gradient compress like a photograph, not like a flat fill). */
async function photo(width: number, height: number): Promise<Buffer> {
  const c = createCanvas(width, height);
  const ctx = c.getContext('2d');
  const g = ctx.createLinearGradient(0, 0, width, height);
  g.addColorStop(0, '#3a6186');
  g.addColorStop(1, '#89253e');
  ctx.fillStyle = g;
  ctx.fillRect(0, 0, width, height);
  let seed = 7;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  for (let i = 0; i < 400; i++) {
    ctx.fillStyle = `rgba(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},0.35)`;
    ctx.beginPath();
    ctx.arc(rnd() * width, rnd() * height, 10 + rnd() * 120, 0, Math.PI * 2);
    ctx.fill();
  }
  const img = ctx.getImageData(0, 0, width, height);
  for (let i = 0; i < img.data.length; i += 4) {
    const n = Math.floor(rnd() * 24) - 12;
    img.data[i] = Math.max(0, Math.min(255, img.data[i] + n));
    img.data[i + 1] = Math.max(0, Math.min(255, img.data[i + 1] + n));
  }
  ctx.putImageData(img, 0, 0);
  return c.encode('jpeg', 85);
}

async function measure(count: number, layoutOf: (i: number) => string, background?: Buffer) {
  const spec = (i: number) => ({
    layout: layoutOf(i),
    title: '21天早起打卡训练营：和3位好友一起，养成受益一生的好习惯',
    subtitle: '每天清晨 6 点群里见。邀请 3 位好友扫码入群，领取《早起手册》。',
    name: `参与者 ${i + 1} 号`,
    url: `https://chorus.example/l/p${(100000 + i).toString(36)}`,
    locale: 'zh' as const,
    ...(background ? { background } : {}),
  });
  await renderPoster(spec(0)); // warm: the font, the background's scaled copy
  const cpu0 = process.cpuUsage();
  const started = performance.now();
  let bytes = 0;
  for (let i = 0; i < count; i++) bytes += (await renderPoster(spec(i))).length;
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / count;
  return {
    posters: count,
    perSecond: Math.round((count / seconds) * 10) / 10,
    msEach: Math.round((seconds * 1000 * 10) / count) / 10,
    cpuMsEach: Math.round(cpuMs * 10) / 10,
    perCpuSecond: Math.round((1000 / cpuMs) * 10) / 10,
    kbEach: Math.round(bytes / count / 1024),
  };
}

export async function benchPosters(): Promise<Record<string, unknown>> {
  const layouts = POSTER_LAYOUTS.map((l) => l.id);
  const byLayout: Record<string, unknown> = {};
  for (const id of layouts) {
    process.stderr.write(`  posters: ${id}\n`);
    byLayout[id] = await measure(Math.ceil(COUNT / layouts.length), () => id);
  }
  process.stderr.write('  posters: all layouts in turn\n');
  const mixed = await measure(COUNT, (i) => layouts[i % layouts.length]);
  process.stderr.write('  posters: a 1600×2400 photo background\n');
  const withPhoto = await measure(Math.ceil(COUNT / 2), (i) => layouts[i % layouts.length], await photo(1600, 2400));
  return {
    posters: {
      perSecond: mixed.perSecond,
      msEach: mixed.msEach,
      cpuMsEach: mixed.cpuMsEach,
      perCpuSecond: mixed.perCpuSecond,
      kbEach: mixed.kbEach,
      byLayout,
      withPhoto,
      target: TARGET,
      ok: mixed.perCpuSecond >= TARGET,
    },
  };
}
