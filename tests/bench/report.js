'use strict';
/* The results table: printed, and appended to tests/bench/RESULTS.md with the run's context. */
const os = require('os');
const fs = require('fs');

const fmt = (value, digits = 1) => (value == null || Number.isNaN(value) ? '—' : Number(value).toFixed(digits));

function machine() {
  const cpu = os.cpus()[0]?.model?.replace(/\s+/g, ' ').trim() ?? 'unknown CPU';
  return `${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 1024 ** 3)} GB RAM, Linux ${os.release()}, Node ${process.version}`;
}

function table(rows) {
  const header = ['path', 'variant', 'clients', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms', 'server RSS MB', 'ratio', 'target', 'met'];
  const lines = [`| ${header.join(' | ')} |`, `|${header.map((h, i) => (i < 2 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) {
    lines.push(`| ${[row.path, row.variant, row.clients ?? '', fmt(row.rps), fmt(row.p50, 2), fmt(row.p95, 2), fmt(row.p99, 2), fmt(row.rss, 0), row.ratio ?? '', row.target ?? '', row.met == null ? '' : row.met ? '✓' : '✗'].join(' | ')} |`);
  }
  return lines.join('\n');
}

function markdown({ date, database, scale, size, rows, notes, durations, only }) {
  return [
    `### ${date} · ${database} · scale \`${scale}\`${only ? ` · only \`--only ${only}\`` : ''}`,
    '',
    `- machine: ${machine()}`,
    `- dataset: ${size.schools.toLocaleString('en')} schools, ${size.teachers.toLocaleString('en')} teachers (and accounts), ${size.creditRecords.toLocaleString('en')} credit records over 3 school years, ${size.courses} courses, ${size.lessons.toLocaleString('en')} lesson plans + ${size.scripts.toLocaleString('en')} scripts (published, each with its draft); import file ${size.importRows.toLocaleString('en')} rows`,
    `- load: ${durations}`,
    '',
    table(rows),
    '',
    ...notes.map((note) => `- ${note}`),
    '',
  ].join('\n');
}

function append(file, text) {
  if (!fs.existsSync(file)) fs.writeFileSync(file, '# Benchmark results\n\n');
  fs.appendFileSync(file, `${text}\n`);
}

module.exports = { table, markdown, append, machine, fmt };
