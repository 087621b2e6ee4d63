// Prints the text of a PDF (one line per page) using Mozilla's pdf.js; runs outside Jest because pdf.js is ESM.
import { readFileSync } from 'fs';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';

const data = new Uint8Array(readFileSync(process.argv[2]));
const pdf = await getDocument({ data, useSystemFonts: false, disableFontFace: true, verbosity: 0 }).promise;
const pages = [];
for (let n = 1; n <= pdf.numPages; n += 1) {
  const content = await (await pdf.getPage(n)).getTextContent();
  pages.push(content.items.map((item) => item.str).join(''));
}
process.stdout.write(JSON.stringify({ pages, info: (await pdf.getMetadata()).info }));
