// The HTML report's page: markup, style and script, all inline so the file is read offline and
// its Content-Security-Policy can forbid every request. The script builds every element from
// the JSON with createElement and textContent (never innerHTML), so no text from a model or a
// dataset is ever parsed as markup.
#include "reports/html_template.hpp"

namespace sextant::reports {

namespace {

constexpr std::string_view kPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="sextant report">
<title>Sextant report</title>
<link rel="icon" href="data:,">
<style>
:root { --fg: #1d2330; --muted: #5c6675; --line: #d9dee7; --head: #f3f5f9; --accent: #2456c7;
        --right: #1a7f37; --wrong: #c62828; --best: #e3f1e6; --avg: #f7f9fc; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
       color: var(--fg); background: #fff; }
main { padding: 20px 28px 48px; }
h1 { margin: 0 0 4px; font-size: 24px; }
h2 { font-size: 18px; margin: 0 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
section { margin-top: 30px; }
.meta, .note { color: var(--muted); margin: 2px 0; }
.note { max-width: 70em; }
nav { margin-top: 8px; }
nav a { margin-right: 16px; color: var(--accent); text-decoration: none; }
.problems { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; padding: 8px 8px 8px 28px; margin: 0 0 12px; }
.controls { display: flex; flex-wrap: wrap; gap: 8px 18px; align-items: center; margin: 8px 0 10px; }
.controls label { white-space: nowrap; }
input[type=search], select { font: inherit; padding: 3px 6px; border: 1px solid #b9c1ce; border-radius: 4px; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; }
table.board th, table.board td { border: 1px solid var(--line); padding: 4px 7px; }
table.board thead th { background: var(--head); cursor: pointer; user-select: none; font-weight: 600; }
table.board thead th.group { text-align: center; cursor: default; }
table.board th small { display: block; font-weight: 400; color: var(--muted); }
th[aria-sort=descending]::after { content: " \25BC"; font-size: 10px; }
th[aria-sort=ascending]::after { content: " \25B2"; font-size: 10px; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.avg, th.avg { background: var(--avg); font-weight: 600; }
td.overall { font-weight: 700; }
td.best { background: var(--best); }
td.missing { color: #a0a7b3; }
td.model { white-space: nowrap; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(400px, 1fr)); gap: 14px; }
svg.curve { width: 100%; height: auto; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
figcaption { font-weight: 600; }
.figures { display: flex; flex-wrap: wrap; gap: 14px; align-items: flex-start; }
.legend { display: flex; flex-wrap: wrap; gap: 6px 10px; margin: 6px 0; }
.legend button { border: 1px solid var(--line); background: #fff; border-radius: 14px; padding: 2px 10px;
                 cursor: pointer; font: inherit; }
.legend button[aria-pressed=false] { opacity: .45; text-decoration: line-through; }
svg text { font: 12px system-ui, sans-serif; fill: var(--muted); }
svg text.axis-label { fill: var(--fg); font-weight: 600; }
svg .axis { stroke: #9aa3b1; }
svg .grid { stroke: #e6e9ef; fill: none; }
table.samples { width: 100%; table-layout: fixed; }
table.samples th { text-align: left; background: var(--head); padding: 4px 8px; }
table.samples td { vertical-align: top; border-top: 1px solid var(--line); padding: 6px 8px; overflow-wrap: anywhere; }
table.samples col.item { width: 5em; } table.samples col.score { width: 6em; } table.samples col.result { width: 7em; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; margin: 0; max-height: 18em; overflow: auto;
      font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
details > summary { cursor: pointer; color: var(--muted); }
tr.wrong td.result { color: var(--wrong); font-weight: 600; }
tr.right td.result { color: var(--right); font-weight: 600; }
.flag { display: block; color: #9a6700; font-size: 12px; }
table.plain th, table.plain td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
table.plain th { background: var(--head); }
table.plain td.num { text-align: right; }
</style>
</head>
<body>
<main id="app">
<ul id="problems" class="problems" hidden></ul>
<noscript><p>This report draws its tables and charts with JavaScript, which is off. The same leaderboard is in report.json, report.csv and report.md.</p></noscript>
</main>
<script type="application/json" id="sextant-data">@SEXTANT_DATA@</script>
<script>
'use strict';
(() => {
  // Anything that goes wrong is shown at the top of the page and counted on <body>, so a
  // headless browser's dump of the page tells a test as much as a person looking at it.
  let problemCount = 0;
  function noteProblem(text) {
    const list = document.getElementById('problems');
    const item = document.createElement('li');
    item.textContent = text;
    list.append(item);
    list.hidden = false;
    document.body.setAttribute('data-problems', String(++problemCount));
  }
  document.addEventListener('securitypolicyviolation', (e) =>
    noteProblem('The Content-Security-Policy blocked a request (' + e.violatedDirective + ': ' + (e.blockedURI || '?') + ').'));
  window.addEventListener('error', (e) => noteProblem('Script error: ' + e.message));

  // Elements from data: attributes with setAttribute, text with text nodes, nothing parsed.
  const SVG_NS = 'http://www.w3.org/2000/svg';
  function build(node, attrs, kids) {
    for (const [name, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    for (const kid of kids.flat(Infinity)) {
      if (kid === null || kid === undefined || kid === false) continue;
      node.append(kid instanceof Node ? kid : String(kid));
    }
    return node;
  }
  const el = (tag, attrs, ...kids) => build(document.createElement(tag), attrs, kids);
  const svg = (tag, attrs, ...kids) => build(document.createElementNS(SVG_NS, tag), attrs, kids);

  const data = JSON.parse(document.getElementById('sextant-data').textContent);
  const models = data.models, rows = data.rows;
  const PALETTE = ['#2456c7', '#d1495b', '#2a9d8f', '#e9a23b', '#7b4fb3', '#8c564b', '#d16ba5', '#17becf', '#7f8c1f', '#5c6675'];
  const colour = (i) => PALETTE[i % PALETTE.length];
  const lowerBetter = (metric) => ['perplexity', 'bits_per_byte', 'word_perplexity'].includes(metric);
  const isPercent = (metric) => !lowerBetter(metric);
  const scaleOf = (metric) => (isPercent(metric) ? 100 : 1);
  const fmt = (metric, v) => (v === null || v === undefined || !isFinite(v) ? '–' : (v * scaleOf(metric)).toFixed(2));
  const dimensionOf = (m, name) => models[m].dimensions.find((d) => d.dimension === name) || null;
  const runLabel = (i) => {
    const r = data.runs[i];
    return r ? 'run ' + r.id + ' of store ' + (r.store + 1) + ', started ' + r.started_at : 'run ?';
  };
  const plural = (n, word) => n + ' ' + word + (n === 1 ? '' : 's');

  function niceTicks(lo, hi, count) {
    if (!(hi > lo)) { lo -= 1; hi += 1; }
    const raw = (hi - lo) / count;
    const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((f) => f * magnitude).find((s) => s >= raw);
    const ticks = [];
    for (let v = Math.floor(lo / step) * step; v <= Math.ceil(hi / step) * step + step / 2; v += step)
      ticks.push(Number(v.toFixed(10)));
    return ticks;
  }

  // A legend whose buttons show and hide series; onChange gets the set of hidden indices.
  function legend(items, hidden, onChange) {
    return el('div', { class: 'legend' }, items.map((item) =>
      el('button', {
        type: 'button', 'aria-pressed': hidden.has(item.index) ? 'false' : 'true', title: item.title || null,
        onclick: (e) => {
          if (hidden.has(item.index)) hidden.delete(item.index); else hidden.add(item.index);
          e.currentTarget.setAttribute('aria-pressed', hidden.has(item.index) ? 'false' : 'true');
          onChange(hidden);
        },
      }, el('span', { class: 'swatch', style: 'background:' + item.colour }), item.label)));
  }

  // A name that may wrap after its underscores (flores200_eng_fra) in a narrow column.
  const breakable = (name) => name.split('_').flatMap((part, i) => (i ? [el('wbr'), '_' + part] : [part]));

  // ---- header
  function header() {
    const g = data.generated;
    const runs = data.runs.length;
    const span = data.started_at
      ? plural(runs, 'run') + ' from ' + data.started_at + ' to ' + (data.finished_at || '(a run is unfinished)') +
        ', read from ' + plural(data.stores.length, 'store') + '.'
      : 'No runs in the ' + plural(data.stores.length, 'store') + ' read.';
    return el('header', {},
      el('h1', {}, 'Sextant report'),
      el('p', { class: 'meta' }, 'Generated at ' + g.at + ' by sextant ' + g.sextant_version + ' (git ' + g.git_revision +
        ') on ' + g.machine.hostname + ' (' + g.machine.cpu + ', ' + g.machine.cores + ' cores).'),
      el('p', { class: 'meta' }, span),
      el('nav', {},
        el('a', { href: '#leaderboard' }, 'Leaderboard'), el('a', { href: '#dimensions' }, 'Dimensions'),
        el('a', { href: '#training' }, 'Training curves'), el('a', { href: '#samples' }, 'Samples'),
        el('a', { href: '#runs' }, 'Runs')));
  }

  // ---- leaderboard: one row per model; datasets grouped by dimension, each group closed by its average
  function leaderboardSection() {
    const state = { modelFilter: '', datasetFilter: '', showDatasets: true, hiddenDims: new Set(), sort: 'overall', dir: -1 };
    const dims = data.dimensions.filter((d) => rows.some((r) => r.dimension === d));
    const overallRank = models.map((m, i) => i).sort((a, b) =>
      (models[b].overall ? models[b].overall.value : -Infinity) - (models[a].overall ? models[a].overall.value : -Infinity));
    const rankOf = new Map(overallRank.map((m, i) => [m, i + 1]));

    function cellOf(col, m) {
      if (col.kind === 'row') {
        const c = rows[col.row].cells[m];
        if (!c) return null;
        const title = [rows[col.row].dataset + ' (' + rows[col.row].mode + '), ' + models[m].label,
          c.metric + ': ' + c.display,
          '95% CI: ' + fmt(c.metric, c.low) + ' – ' + fmt(c.metric, c.high),
          c.samples + ' samples', 'version ' + c.version + ', ' + runLabel(c.run)].join('\n');
        return { value: c.value, display: c.display, title, lowerIsBetter: lowerBetter(c.metric) };
      }
      const d = col.kind === 'dim' ? dimensionOf(m, col.dim) : models[m].overall;
      if (!d) return null;
      const title = col.kind === 'dim'
        ? [col.dim + ' average, ' + models[m].label, 'mean of ' + plural(d.datasets, 'dataset') + ': ' + d.display,
           '95% CI ≈ ' + fmt('acc', d.low) + ' – ' + fmt('acc', d.high) + ' (datasets taken as independent)'].join('\n')
        : 'Overall, ' + models[m].label + ': ' + d.display + '\nmean of the dimension averages';
      return { value: d.value, display: d.display, title, lowerIsBetter: false };
    }

    function columns() {
      const needle = state.datasetFilter.toLowerCase();
      const groups = [];
      for (const dim of dims) {
        if (state.hiddenDims.has(dim)) continue;
        const cols = [];
        if (state.showDatasets)
          rows.forEach((r, i) => {
            if (r.dimension === dim && (r.dataset + ' ' + r.mode).toLowerCase().includes(needle))
              cols.push({ kind: 'row', row: i, key: 'row:' + i });
          });
        cols.push({ kind: 'dim', dim, key: 'dim:' + dim });
        groups.push({ dim, cols });
      }
      return groups;
    }

    const holder = el('div', { class: 'scroll' });
    function render() {
      const groups = columns();
      const cols = groups.flatMap((g) => g.cols).concat([{ kind: 'overall', key: 'overall' }]);
      const sortCol = cols.find((c) => c.key === state.sort);
      const needle = state.modelFilter.toLowerCase();
      const shown = models.map((m, i) => i).filter((i) => models[i].label.toLowerCase().includes(needle));
      const valueOf = (i) => {
        if (state.sort === 'rank') return rankOf.get(i);
        if (state.sort === 'model') return models[i].label;
        const c = sortCol ? cellOf(sortCol, i) : null;
        return c ? c.value : null;
      };
      shown.sort((a, b) => {
        const x = valueOf(a), y = valueOf(b);
        if (x === null || y === null) return (x === null) - (y === null);
        return (x < y ? -1 : x > y ? 1 : 0) * state.dir;
      });

      const sortable = (key, defaultDir, attrs, ...kids) => el('th', Object.assign({
        'data-sort': key, 'aria-sort': state.sort === key ? (state.dir < 0 ? 'descending' : 'ascending') : null,
        onclick: () => {
          if (state.sort === key) state.dir = -state.dir; else { state.sort = key; state.dir = defaultDir; }
          render();
        },
      }, attrs), ...kids);
      const head1 = el('tr', {}, sortable('rank', 1, { rowspan: 2, title: 'rank by overall score' }, '#'),
        sortable('model', 1, { rowspan: 2 }, 'Model'),
        groups.map((g) => el('th', { class: 'group', colspan: g.cols.length }, g.dim)),
        sortable('overall', -1, { rowspan: 2, class: 'avg', title: 'mean of the dimension averages' }, 'Overall'));
      const head2 = el('tr', {}, groups.flatMap((g) => g.cols.map((c) => {
        if (c.kind === 'dim') return sortable(c.key, -1, { class: 'avg', title: g.dim + ': mean of its datasets' }, 'avg');
        const r = rows[c.row];
        const lowerIsBetter = lowerBetter(r.metrics);
        return sortable(c.key, lowerIsBetter ? 1 : -1,
          { title: r.dataset + ' (' + r.mode + ')\nmetric: ' + r.metrics + '\nversion: ' + r.versions },
          breakable(r.dataset), el('small', {}, r.mode));
      })));

      // The best score of each column among the models shown.
      const best = new Map();
      for (const c of cols) {
        let top = null;
        for (const i of shown) {
          const v = cellOf(c, i);
          if (v && (top === null || (v.lowerIsBetter ? v.value < top : v.value > top))) top = v.value;
        }
        best.set(c.key, top);
      }
      const body = el('tbody', {}, shown.map((i) => el('tr', { 'data-model': i },
        el('td', { class: 'num' }, String(rankOf.get(i))),
        el('td', { class: 'model', title: [models[i].name, 'identity ' + models[i].identity, models[i].path,
          models[i].step === null ? null : 'step ' + models[i].step].filter((x) => x).join('\n') },
          el('span', { class: 'swatch', style: 'background:' + colour(i) }), models[i].label),
        cols.map((c) => {
          const v = cellOf(c, i);
          const classes = ['num', c.kind === 'dim' ? 'avg' : '', c.kind === 'overall' ? 'avg overall' : '',
            v ? (v.value === best.get(c.key) && shown.length > 1 ? 'best' : '') : 'missing'].filter((x) => x).join(' ');
          return el('td', { class: classes, 'data-col': c.key, title: v ? v.title : 'not scored' }, v ? v.display : '–');
        }))));
      holder.replaceChildren(el('table', { class: 'board', id: 'leaderboard-table' }, el('thead', {}, head1, head2), body));
    }

    const controls = el('div', { class: 'controls' },
      el('label', {}, 'Models ', el('input', { type: 'search', placeholder: 'filter by name', id: 'model-filter',
        oninput: (e) => { state.modelFilter = e.target.value; render(); } })),
      el('label', {}, 'Datasets ', el('input', { type: 'search', placeholder: 'filter by name', id: 'dataset-filter',
        oninput: (e) => { state.datasetFilter = e.target.value; render(); } })),
      el('label', {}, el('input', { type: 'checkbox', checked: true,
        onchange: (e) => { state.showDatasets = e.target.checked; render(); } }), ' datasets (off: averages only)'),
      dims.map((d) => el('label', {}, el('input', { type: 'checkbox', checked: true,
        onchange: (e) => { if (e.target.checked) state.hiddenDims.delete(d); else state.hiddenDims.add(d); render(); } }), ' ' + d)));
    render();
    return el('section', { id: 'leaderboard' }, el('h2', {}, 'Leaderboard'), controls, holder,
      el('p', { class: 'note' }, 'Scores are percentages (perplexity as is). Hover a score for its 95% confidence interval, ' +
        'sample count, prompt version and run; click a column heading to sort. A dimension\'s average is the mean of its ' +
        'datasets\' scores, Overall the mean of the dimension averages (each weighs the same). Where several runs scored a ' +
        'model on a dataset and mode, the latest counts. The best score of each column is shaded.'));
  }

  // ---- radar: one polygon per model over the dimensions
  function radarSection() {
    const axes = data.dimensions;
    const hidden = new Set();
    const W = 640, H = 470, cx = 320, cy = 232, R = 170;
    const angle = (i) => -Math.PI / 2 + (2 * Math.PI * i) / axes.length;
    const at = (i, r) => [cx + r * Math.cos(angle(i)), cy + r * Math.sin(angle(i))];
    let max = 10;
    models.forEach((m) => m.dimensions.forEach((d) => { max = Math.max(max, d.value * 100); }));
    const ticks = niceTicks(0, max, 5).filter((t) => t > 0);
    const top = ticks[ticks.length - 1];
    const polygonPoints = (values) => values.map((v, i) => at(i, (R * v) / top).map((x) => x.toFixed(1)).join(',')).join(' ');

    const holder = el('div');
    function render() {
      const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', id: 'radar-chart',
        'aria-label': 'Dimension scores per model' });
      for (const t of ticks) {
        chart.append(svg('polygon', { class: 'grid', points: polygonPoints(axes.map(() => t)) }));
        chart.append(svg('text', { x: cx + 5, y: cy - (R * t) / top + 12 }, String(t)));
      }
      axes.forEach((name, i) => {
        const [x, y] = at(i, R);
        const [lx, ly] = at(i, R + 18);
        const cos = Math.cos(angle(i));
        chart.append(svg('line', { class: 'axis', x1: cx, y1: cy, x2: x.toFixed(1), y2: y.toFixed(1) }));
        chart.append(svg('text', { class: 'axis-label', x: lx.toFixed(1), y: (ly + 4).toFixed(1),
          'text-anchor': Math.abs(cos) < 0.2 ? 'middle' : cos > 0 ? 'start' : 'end' }, name));
      });
      models.forEach((m, i) => {
        if (hidden.has(i)) return;
        const dims = axes.map((name) => dimensionOf(i, name));
        const values = dims.map((d) => (d ? d.value * 100 : 0));
        chart.append(svg('polygon', { points: polygonPoints(values), fill: colour(i), 'fill-opacity': 0.12,
          stroke: colour(i), 'stroke-width': 2, 'data-model': i }, svg('title', {}, m.label)));
        dims.forEach((d, k) => {
          const [x, y] = at(k, (R * values[k]) / top);
          chart.append(svg('circle', { cx: x.toFixed(1), cy: y.toFixed(1), r: 3.5, fill: colour(i) },
            svg('title', {}, m.label + ' · ' + axes[k] + ': ' + (d ? d.display : 'no score (drawn at 0)'))));
        });
      });
      holder.replaceChildren(chart);
    }
    render();
    const items = models.map((m, i) => ({ index: i, label: m.label, colour: colour(i) }));
    return el('section', { id: 'dimensions' }, el('h2', {}, 'Dimensions'),
      el('div', { class: 'figures' },
        el('figure', {}, el('figcaption', {}, 'Dimension averages per model (%)'), legend(items, hidden, render), holder),
        overallBars()),
      el('p', { class: 'note' }, 'Each axis is a dimension\'s average; a dimension a model was not scored on is drawn at 0 ' +
        '(hover a point to see which). Click a name in the legend to hide or show that model.'));
  }

  // Overall scores as bars, best first.
  function overallBars() {
    const ranked = models.map((m, i) => i).filter((i) => models[i].overall)
      .sort((a, b) => models[b].overall.value - models[a].overall.value);
    const W = 520, rowH = 28, L = 170, T = 8, Rm = 60;
    const H = T * 2 + rowH * Math.max(ranked.length, 1) + 22;
    const top = niceTicks(0, Math.max(10, ...ranked.map((i) => models[i].overall.value * 100)), 5);
    const max = top[top.length - 1];
    const X = (v) => L + (v / max) * (W - L - Rm);
    const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', id: 'overall-chart',
      'aria-label': 'Overall score per model' });
    for (const t of top) {
      chart.append(svg('line', { class: 'grid', x1: X(t), x2: X(t), y1: T, y2: H - 22 }));
      chart.append(svg('text', { x: X(t), y: H - 6, 'text-anchor': 'middle' }, String(t)));
    }
    ranked.forEach((i, k) => {
      const y = T + k * rowH;
      const label = models[i].label.length > 26 ? models[i].label.slice(0, 25) + '…' : models[i].label;
      chart.append(svg('text', { class: 'axis-label', x: L - 8, y: y + rowH / 2 + 4, 'text-anchor': 'end' }, label,
        svg('title', {}, models[i].label)));
      chart.append(svg('rect', { x: L, y: y + 5, width: Math.max(1, X(models[i].overall.value * 100) - L).toFixed(1),
        height: rowH - 10, fill: colour(i), 'fill-opacity': 0.85 }, svg('title', {}, models[i].label + ': ' + models[i].overall.display)));
      chart.append(svg('text', { x: X(models[i].overall.value * 100) + 6, y: y + rowH / 2 + 4 }, models[i].overall.display));
    });
    return el('figure', {}, el('figcaption', {}, 'Overall (%)'), chart);
  }

  // ---- training curves: checkpoints (models with a step) grouped into runs by name
  // The y axis of a chart that is not in percent: its metric, and which way is better.
  function yLabel(pts) {
    const names = [...new Set(pts.map((p) => p.metric))];
    const better = names.every(lowerBetter) ? ' (lower is better)' : '';
    return (names.length === 1 ? names[0].replace(/_/g, ' ') : 'score') + better;
  }

  function lineChart(caption, series, pointOf, hidden) {
    const W = 460, H = 270, L = 50, Rm = 14, T = 12, B = 42;
    const lines = series.map((s, k) => ({ s, k, points: s.models.map((m) => {
      const p = pointOf(m.index);
      if (!p || p.value === null || p.value === undefined) return null;
      const scale = scaleOf(p.metric);
      return { step: m.step, model: m.index, value: p.value * scale, display: p.display,
               low: p.low === null ? null : p.low * scale, high: p.high === null ? null : p.high * scale,
               samples: p.samples, metric: p.metric };
    }).filter((p) => p) })).filter((l) => l.points.length && !hidden.has(l.k));
    if (!lines.length) return null;
    const pts = lines.flatMap((l) => l.points);
    const steps = pts.map((p) => p.step);
    const ys = pts.flatMap((p) => [p.value, p.low, p.high]).filter((v) => v !== null && isFinite(v));
    const xt = niceTicks(Math.min(...steps), Math.max(...steps), 5);
    const percent = pts.every((p) => isPercent(p.metric));
    let ylo = Math.min(...ys), yhi = Math.max(...ys);
    if (percent) { ylo = Math.max(0, ylo); yhi = Math.min(100, yhi); }
    const yt = niceTicks(ylo, yhi, 5);
    const [x0, x1, y0, y1] = [xt[0], xt[xt.length - 1], yt[0], yt[yt.length - 1]];
    const X = (v) => L + ((v - x0) / (x1 - x0)) * (W - L - Rm);
    const Y = (v) => H - B - ((Math.min(Math.max(v, y0), y1) - y0) / (y1 - y0)) * (H - T - B);
    const chart = svg('svg', { viewBox: '0 0 ' + W + ' ' + H, width: W, height: H, role: 'img', class: 'curve',
      'aria-label': caption });
    for (const t of yt) {
      chart.append(svg('line', { class: 'grid', x1: L, x2: W - Rm, y1: Y(t).toFixed(1), y2: Y(t).toFixed(1) }));
      chart.append(svg('text', { x: L - 6, y: (Y(t) + 4).toFixed(1), 'text-anchor': 'end' }, String(t)));
    }
    for (const t of xt) {
      chart.append(svg('line', { class: 'axis', x1: X(t).toFixed(1), x2: X(t).toFixed(1), y1: H - B, y2: H - B + 4 }));
      chart.append(svg('text', { x: X(t).toFixed(1), y: H - B + 17, 'text-anchor': 'middle' }, String(t)));
    }
    chart.append(svg('line', { class: 'axis', x1: L, x2: W - Rm, y1: H - B, y2: H - B }));
    chart.append(svg('line', { class: 'axis', x1: L, x2: L, y1: T, y2: H - B }));
    chart.append(svg('text', { x: (L + W - Rm) / 2, y: H - 6, 'text-anchor': 'middle' }, 'step'));
    chart.append(svg('text', { x: 12, y: (T + H - B) / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 12 ' + ((T + H - B) / 2) + ')' }, percent ? 'score (%)' : yLabel(pts)));
    for (const { s, k, points } of lines) {
      const c = colour(k);
      const banded = points.filter((p) => p.low !== null && p.high !== null);
      if (banded.length > 1) {
        const upper = banded.map((p) => X(p.step).toFixed(1) + ',' + Y(p.high).toFixed(1));
        const lower = banded.slice().reverse().map((p) => X(p.step).toFixed(1) + ',' + Y(p.low).toFixed(1));
        chart.append(svg('polygon', { class: 'band', points: upper.concat(lower).join(' '), fill: c, 'fill-opacity': 0.15 }));
      }
      chart.append(svg('polyline', { points: points.map((p) => X(p.step).toFixed(1) + ',' + Y(p.value).toFixed(1)).join(' '),
        fill: 'none', stroke: c, 'stroke-width': 2 }));
      for (const p of points) {
        if (banded.length <= 1 && p.low !== null && p.high !== null)
          chart.append(svg('line', { x1: X(p.step), x2: X(p.step), y1: Y(p.low), y2: Y(p.high), stroke: c, 'stroke-opacity': 0.5 }));
        chart.append(svg('circle', { cx: X(p.step).toFixed(1), cy: Y(p.value).toFixed(1), r: 3.5, fill: c },
          svg('title', {}, s.name + ', step ' + p.step + ': ' + p.display + '\n95% CI ' +
            (p.low === null ? '–' : p.low.toFixed(2)) + ' – ' + (p.high === null ? '–' : p.high.toFixed(2)) +
            (p.samples ? '\n' + p.samples + ' samples' : ''))));
      }
    }
    return el('figure', {}, el('figcaption', {}, caption), chart);
  }

  function trainingSection() {
    const section = el('section', { id: 'training' }, el('h2', {}, 'Training curves'));
    const byName = new Map();
    models.forEach((m, i) => {
      if (m.step === null) return;
      if (!byName.has(m.name)) byName.set(m.name, []);
      byName.get(m.name).push({ index: i, step: m.step });
    });
    if (!byName.size) {
      section.append(el('p', { class: 'note', id: 'no-training' }, 'No model in these stores has a training step, so there ' +
        'are no curves. Checkpoints evaluated with their step recorded (the models table\'s step column) are drawn here ' +
        'as score-versus-step curves, one line per training run.'));
      return section;
    }
    const series = [...byName.entries()].map(([name, ms]) => ({ name, models: ms.sort((a, b) => a.step - b.step) }));
    const hidden = new Set();
    const grids = el('div');
    function render() {
      const dimCharts = data.dimensions.map((name) => lineChart(name + ' (average)', series, (i) => {
        const d = dimensionOf(i, name);
        return d ? { value: d.value, display: d.display, low: d.low, high: d.high, samples: null, metric: 'naive_average' } : null;
      }, hidden)).filter((c) => c);
      const rowCharts = rows.map((r) => lineChart(r.dataset + ' (' + r.mode + ')', series, (i) => {
        const c = r.cells[i];
        return c ? { value: c.value, display: c.display, low: c.low, high: c.high, samples: c.samples, metric: c.metric } : null;
      }, hidden)).filter((c) => c);
      // Held-out perplexity alone has no dimension: no empty heading then.
      grids.replaceChildren(...(dimCharts.length ? [el('h3', {}, 'Per dimension'),
        el('div', { class: 'charts', id: 'dimension-curves' }, dimCharts)] : []),
        el('h3', {}, 'Per dataset'), el('div', { class: 'charts', id: 'dataset-curves' }, rowCharts));
    }
    render();
    section.append(legend(series.map((s, k) => ({ index: k, label: s.name, colour: colour(k),
      title: plural(s.models.length, 'checkpoint') })), hidden, render), grids,
    el('p', { class: 'note' }, 'One line per training run (models of the same name), one point per checkpoint; the band is ' +
      'the 95% confidence interval. A dimension\'s band takes its datasets as independent: the half-width is 1.96 · ' +
      'sqrt(Σ se²) / k over its k datasets.'));
    return section;
  }

  // ---- samples: each dataset's stored samples per model, and two models side by side
  const text = (i) => data.samples.strings[i];
  const S = { item: 0, prompt: 1, output: 2, answer: 3, reference: 4, score: 5, flags: 6, detail: 7 };

  // The end of a prompt on one line (the question is at the end of a few-shot prompt).
  function promptEnd(s) {
    const flat = s.replace(/\s*\n\s*/g, ' ⏎ ').trim();
    return flat.length > 110 ? '…' + flat.slice(flat.length - 110) : flat;
  }

  function samplesTable(r, m, failuresOnly, needle) {
    const list = data.samples.cells[r][m] || [];
    const binary = list.every((s) => s[S.score] === 0 || s[S.score] === 1);
    const shown = list.filter((s) => (!failuresOnly || s[S.score] < 1) && (!needle ||
      [S.prompt, S.output, S.answer, S.reference].some((f) => text(s[f]).toLowerCase().includes(needle))));
    const body = el('tbody', {}, shown.map((s) => {
      const score = s[S.score];
      const right = binary ? (score === 1 ? 'right' : 'wrong') : null;
      const detail = text(s[S.detail]);
      return el('tr', { class: right || '', 'data-item': s[S.item] },
        el('td', {}, String(s[S.item])),
        el('td', {}, el('details', {}, el('summary', {}, promptEnd(text(s[S.prompt]))), el('pre', { class: 'prompt' }, text(s[S.prompt]))),
          s[S.flags] & 2 ? el('span', { class: 'flag' }, 'prompt cut on the left to fit the context') : null),
        el('td', {}, el('pre', { class: 'output' }, text(s[S.output])),
          detail ? el('details', {}, el('summary', {}, 'detail'), el('pre', { class: 'detail' }, detail)) : null),
        el('td', {}, el('pre', { class: 'answer' }, text(s[S.answer])),
          s[S.flags] & 1 ? null : el('span', { class: 'flag' }, 'no answer extracted')),
        el('td', {}, el('pre', { class: 'reference' }, text(s[S.reference]))),
        el('td', { class: 'num' }, score === null ? '–' : String(Number(score.toFixed(4)))),
        el('td', { class: 'result' }, right === 'right' ? '✓ right' : right === 'wrong' ? '✗ wrong' : '–'));
    }));
    const colgroup = el('colgroup', {}, el('col', { class: 'item' }), el('col'), el('col'), el('col'), el('col'),
      el('col', { class: 'score' }), el('col', { class: 'result' }));
    return { shown: shown.length, table: el('table', { class: 'samples', id: 'samples-table' }, colgroup,
      el('thead', {}, el('tr', {}, ['Item', 'Prompt (its end; open for all)', 'Output', 'Extracted answer', 'Reference',
        'Score', 'Result'].map((h) => el('th', {}, h)))), body) };
  }

  function findComparison(r, a, b) {
    for (const c of data.comparisons) {
      if (c.row !== r) continue;
      if (c.a === a && c.b === b) return c;
      if (c.a === b && c.b === a)
        return Object.assign({}, c, { a, b, a_better: c.b_better, b_better: c.a_better,
          difference: c.difference === null ? null : -c.difference,
          low: c.high === null ? null : -c.high, high: c.low === null ? null : -c.low });
    }
    return null;
  }

  function comparisonPanel(r, a, b) {
    const row = rows[r];
    const metric = row.cells[a] ? row.cells[a].metric : 'acc';
    const la = models[a].label, lb = models[b].label;
    const c = findComparison(r, a, b);
    const panel = el('div', { id: 'comparison' });
    if (!c) {
      panel.append(el('p', { class: 'note' }, a === b ? 'Pick two different models.' : 'No comparison for this pair: the ' +
        'two share no scored item, or there are more than ' + data.bootstrap.all_pairs_up_to + ' models on this dataset and ' +
        'only neighbouring columns are compared.'));
      return panel;
    }
    const counts = c.binary
      ? [[la + ' right, ' + lb + ' wrong', c.a_better], [lb + ' right, ' + la + ' wrong', c.b_better],
         ['both right', c.both_full], ['both wrong', c.both_zero]]
      : [[la + ' higher', c.a_better], [lb + ' higher', c.b_better], ['tied', c.both_full + c.both_zero + c.tied_other]];
    const unit = isPercent(metric) ? ' points' : '';
    panel.append(el('table', { class: 'plain', id: 'comparison-counts' }, el('tbody', {},
      counts.map(([label, n]) => el('tr', {}, el('th', {}, label), el('td', { class: 'num' }, String(n)))))),
    el('p', { id: 'comparison-test' }, 'Mean score difference (' + la + ' − ' + lb + '): ' + fmt(metric, c.difference) + unit +
      ', 95% interval ' + fmt(metric, c.low) + ' to ' + fmt(metric, c.high) + '; paired bootstrap p = ' +
      (c.p_value === null ? '–' : c.p_value.toFixed(4)) + ' over the ' + c.shared + ' items both were scored on (' +
      data.bootstrap.resamples + ' resamples, seed ' + data.bootstrap.seed + '; all stored samples, not only those embedded).'));

    const listA = data.samples.cells[r][a] || [], listB = data.samples.cells[r][b] || [];
    const byItem = new Map(listB.map((s) => [s[S.item], s]));
    const differing = listA.filter((s) => byItem.has(s[S.item]) && byItem.get(s[S.item])[S.score] !== s[S.score]);
    const mark = (s) => (c.binary ? (s[S.score] === 1 ? ' ✓' : ' ✗') : ' (' + s[S.score] + ')');
    panel.append(el('h3', {}, 'Embedded items where they differ (' + differing.length + ')'),
      differing.length ? el('table', { class: 'plain', id: 'comparison-items' },
        el('thead', {}, el('tr', {}, ['Item', 'Reference', la, lb].map((h) => el('th', {}, h)))),
        el('tbody', {}, differing.map((s) => {
          const t = byItem.get(s[S.item]);
          return el('tr', {}, el('td', {}, String(s[S.item])), el('td', {}, el('pre', {}, text(s[S.reference]))),
            el('td', {}, el('pre', {}, text(s[S.answer]) + mark(s))), el('td', {}, el('pre', {}, text(t[S.answer]) + mark(t))));
        }))) : el('p', { class: 'note' }, 'None among the embedded samples.'));
    return panel;
  }

  function samplesSection() {
    const section = el('section', { id: 'samples' }, el('h2', {}, 'Samples'));
    const withSamples = rows.map((r, i) => i).filter((i) => data.samples.cells[i].some((c) => c && c.length));
    if (!withSamples.length) {
      section.append(el('p', { class: 'note' }, data.samples.limit === 0
        ? 'No samples embedded (--samples 0).' : 'The stores hold no samples for these scores.'));
      return section;
    }
    const scoredOn = (r) => models.map((m, i) => i).filter((i) => rows[r].cells[i]);
    const state = { row: withSamples[0], model: 0, failures: false, needle: '', a: 0, b: 0 };
    const pickModels = () => {
      const ms = scoredOn(state.row);
      if (!ms.includes(state.model)) state.model = ms[0];
      if (!ms.includes(state.a)) state.a = ms[0];
      if (!ms.includes(state.b) || state.b === state.a) state.b = ms.find((m) => m !== state.a) ?? state.a;
    };
    pickModels();
    const options = (list, selected, label) => list.map((v) => el('option', { value: v, selected: v === selected }, label(v)));
    const controls = el('div', { class: 'controls' });
    const view = el('div');
    const compareControls = el('div', { class: 'controls' });
    const compareView = el('div');

    function renderControls() {
      const ms = scoredOn(state.row);
      controls.replaceChildren(
        el('label', {}, 'Dataset ', el('select', { id: 'sample-dataset', onchange: (e) => { state.row = Number(e.target.value); pickModels(); renderAll(); } },
          options(withSamples, state.row, (i) => rows[i].dataset + ' (' + rows[i].mode + ') · ' + rows[i].dimension))),
        el('label', {}, 'Model ', el('select', { id: 'sample-model', onchange: (e) => { state.model = Number(e.target.value); renderView(); } },
          options(ms, state.model, (i) => models[i].label))),
        el('label', {}, el('input', { type: 'checkbox', id: 'failures-only', checked: state.failures,
          onchange: (e) => { state.failures = e.target.checked; renderView(); } }), ' failures only'),
        el('label', {}, 'Search ', el('input', { type: 'search', placeholder: 'text in prompt, output, answer', value: state.needle,
          oninput: (e) => { state.needle = e.target.value.toLowerCase(); renderView(); } })));
      compareControls.replaceChildren(
        el('label', {}, 'Model A ', el('select', { id: 'compare-a', onchange: (e) => { state.a = Number(e.target.value); renderCompare(); } },
          options(ms, state.a, (i) => models[i].label))),
        el('label', {}, 'Model B ', el('select', { id: 'compare-b', onchange: (e) => { state.b = Number(e.target.value); renderCompare(); } },
          options(ms, state.b, (i) => models[i].label))));
    }
    function renderView() {
      const cell = rows[state.row].cells[state.model];
      const list = data.samples.cells[state.row][state.model] || [];
      const { shown, table } = samplesTable(state.row, state.model, state.failures, state.needle);
      view.replaceChildren(el('p', { class: 'note', id: 'samples-info' }, 'Showing ' + shown + ' of the ' + list.length +
        ' embedded samples; the store holds ' + (cell ? cell.stored_samples : 0) + '. The report embeds the first ' +
        data.samples.limit + ' samples (by item) of each model on each dataset (sextant report --samples N changes it), ' +
        'and cuts a text longer than ' + data.samples.text_limit + ' bytes (a prompt keeps its end).'), table);
    }
    function renderCompare() {
      compareView.replaceChildren(scoredOn(state.row).length < 2
        ? el('p', { class: 'note' }, 'Only one model was scored on this dataset.')
        : comparisonPanel(state.row, state.a, state.b));
    }
    function renderAll() { renderControls(); renderView(); renderCompare(); }
    renderAll();
    section.append(controls, view, el('h3', {}, 'Two models on this dataset'), compareControls, compareView);
    return section;
  }

  // ---- clean / contaminated items (only when `sextant data contamination` scanned a dataset)
  function contaminationSection() {
    const lines = [];
    rows.forEach((r) => r.cells.forEach((c, m) => {
      if (c && c.contamination) lines.push([r, c, m]);
    }));
    if (!lines.length) return null;
    const head = ['dataset', 'mode', 'model', 'shards', 'clean samples', 'clean', 'contaminated samples', 'contaminated'];
    return el('section', { id: 'contamination' }, el('h2', {}, 'Clean and contaminated items'),
      el('p', {}, 'Each model\u2019s samples split by the dataset\u2019s latest contamination scan: items whose n-grams the ' +
        'training shards hold, and the others; the mean of the samples\u2019 scores in each.'),
      el('div', { class: 'scroll' }, el('table', { class: 'plain', id: 'contamination-table' },
        el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
        el('tbody', {}, lines.map(([r, c, m]) => el('tr', {}, [r.dataset, r.mode, models[m].label,
          c.contamination.shards + ' (' + c.contamination.ngram + '-grams)', String(c.contamination.clean.samples),
          c.contamination.clean.display, String(c.contamination.contaminated.samples),
          c.contamination.contaminated.display].map((v) => el('td', {}, v))))))));
  }

  // ---- runs
  function runsSection() {
    const head = ['#', 'store', 'run', 'model', 'identity', 'started', 'finished', 'suite', 'command'];
    return el('section', { id: 'runs' }, el('h2', {}, 'Runs'),
      el('div', { class: 'scroll' }, el('table', { class: 'plain', id: 'runs-table' },
        el('thead', {}, el('tr', {}, head.map((h) => el('th', {}, h)))),
        el('tbody', {}, data.runs.map((r, i) => el('tr', {}, [String(i + 1), data.stores[r.store], String(r.id), r.model,
          r.model_identity, r.started_at, r.finished_at || '–', r.suite || '–'].map((v) => el('td', {}, v)),
          el('td', {}, el('pre', {}, r.command))))))));
  }

  const app = document.getElementById('app');
  for (const part of [header, leaderboardSection, radarSection, trainingSection, samplesSection, contaminationSection,
    runsSection]) {
    try {
      const node = part();
      if (node) app.append(node);
    } catch (e) {
      noteProblem('Could not draw a part of the report (' + part.name + '): ' + e.message);
    }
  }
  // report.html#only=training,samples shows those sections alone (under the header), for a
  // screenshot or a link; report.html#samples scrolls there once the sections exist.
  const only = /^#only=(.+)$/.exec(location.hash);
  if (only) {
    const keep = new Set(decodeURIComponent(only[1]).split(','));
    for (const section of app.querySelectorAll('section')) section.hidden = !keep.has(section.id);
  } else if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target) target.scrollIntoView();
  }
  document.body.setAttribute('data-rendered', 'yes');
})();
</script>
</body>
</html>
)html";

}  // namespace

std::string_view html_template() { return kPage; }

}  // namespace sextant::reports
