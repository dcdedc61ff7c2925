// The theme block's cost to a product page's Lighthouse performance score (Shopify's App Store rule: at most 10
// points). A product page — header, a 1,200 px product picture, title, price, description, the add-to-cart form — is
// served on 127.0.0.1 without and with the block, the block rendered from extensions/storybook-personalizer with
// liquidjs (its Liquid, its locale strings, its CSS and script as the theme serves app-block assets) and its
// /apps/storybook/catalog answered as the app answers it. Lighthouse 12.2.3 (mobile, simulated slow 4G and 4x CPU,
// performance only) scores each page RUNS times in Debian's Chromium; the medians and their difference are printed.
//   node scripts/block-cost.cjs            (scripts/block-cost.sh installs what it needs)
'use strict';
const fs = require('fs');
const path = require('path');
const http = require('http');

const root = path.resolve(__dirname, '..');
const tools = path.join(root, '.tools', 'node_modules');
const { renderBlock } = require('./render-block.cjs');
const block = path.join(root, 'extensions', 'storybook-personalizer');
const RUNS = Number(process.env.RUNS || 3);

/** A plain theme's product page: what Lighthouse scores with the block and without. */
function productPage(blockHtml) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Personalized storybook – Demo shop</title>
<meta name="description" content="A picture book written for your child.">
<style>body{margin:0;font:16px/1.5 system-ui,sans-serif;color:#222}header{padding:1rem;border-bottom:1px solid #ddd}
main{max-width:60rem;margin:0 auto;padding:1rem;display:grid;gap:1.5rem}@media(min-width:750px){main{grid-template-columns:1fr 1fr}}
img{max-width:100%;height:auto}.button{background:#222;color:#fff;border:0;border-radius:4px;padding:.75rem 1.5rem}</style>
</head><body><header><strong>Demo shop</strong></header><main>
<img src="/product.svg" alt="Personalized storybook" width="1200" height="1200" fetchpriority="high">
<div><h1>Personalized storybook</h1><p>$19.99 USD</p>
<form method="post" action="/cart/add"><input type="hidden" name="id" value="4242"><button class="button">Add to cart</button></form>
<p>A picture book written and illustrated for your child: their name, age, a theme and up to three companions.</p>
${blockHtml}</div></main></body></html>`;
}

const catalog = JSON.stringify({
  shop: 'demo.myshopify.com', loggedIn: false,
  ageBands: [{ id: '0-3' }, { id: '3-5' }, { id: '5-7' }, { id: '7-9' }],
  themes: ['adventure', 'space', 'ocean', 'dinosaurs', 'fairytale'],
  languages: { en: 'English', es: 'Español', fr: 'Français' },
  companions: [{ id: 'dog', en: 'Dog' }, { id: 'cat', en: 'Cat' }, { id: 'owl', en: 'Owl' }],
  themeNames: {},
});

function picture() {
  let shapes = '';
  for (let i = 0; i < 60; i++)
    shapes += `<circle cx="${(i * 97) % 1200}" cy="${(i * 53) % 1200}" r="${20 + (i % 7) * 9}" fill="hsl(${i * 37},70%,60%)"/>`;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1200"><rect width="1200" height="1200" fill="#bfe3f5"/>${shapes}</svg>`;
}

function serve(pages) {
  const server = http.createServer((req, res) => {
    const url = req.url.split('?')[0];
    const send = (type, body) => { res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'max-age=3600' }); res.end(body); };
    if (url === '/without') return send('text/html', pages.without);
    if (url === '/with') return send('text/html', pages.with);
    if (url === '/product.svg') return send('image/svg+xml', picture());
    if (url === '/apps/storybook/catalog') return send('application/json', catalog);
    if (url === '/assets/personalize.js') return send('text/javascript', fs.readFileSync(path.join(block, 'assets', 'personalize.js')));
    if (url === '/assets/personalize.css') return send('text/css', fs.readFileSync(path.join(block, 'assets', 'personalize.css')));
    res.writeHead(404); res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function main() {
  const lighthouse = (await import(path.join(tools, 'lighthouse', 'core', 'index.js'))).default;
  const chromeLauncher = require(path.join(tools, 'chrome-launcher'));
  const blockHtml = await renderBlock();
  const server = await serve({ without: productPage(''), with: productPage(blockHtml) });
  const base = `http://127.0.0.1:${server.address().port}`;
  const chrome = await chromeLauncher.launch({
    chromePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    chromeFlags: ['--headless=new', '--no-sandbox', '--disable-gpu'],
  });
  const scores = { without: [], with: [] };
  try {
    for (let i = 0; i < RUNS; i++)
      for (const page of ['without', 'with']) {
        const result = await lighthouse(`${base}/${page}`, { port: chrome.port, onlyCategories: ['performance'], logLevel: 'error' });
        const lhr = result.lhr;
        scores[page].push({
          score: Math.round(lhr.categories.performance.score * 100),
          lcp: lhr.audits['largest-contentful-paint'].numericValue,
          tbt: lhr.audits['total-blocking-time'].numericValue,
          cls: lhr.audits['cumulative-layout-shift'].numericValue,
        });
      }
  } finally {
    await chrome.kill();
    server.close();
  }
  const median = (list, key) => list.map((x) => x[key]).sort((a, b) => a - b)[Math.floor(list.length / 2)];
  console.log(`Lighthouse ${require(path.join(tools, 'lighthouse', 'package.json')).version}, mobile, ${RUNS} runs each (median)`);
  console.log('page                      score    LCP ms   TBT ms    CLS');
  for (const page of ['without', 'with'])
    console.log(`product page ${page.padEnd(12)} ${String(median(scores[page], 'score')).padStart(5)} ${median(scores[page], 'lcp').toFixed(0).padStart(9)} ${median(scores[page], 'tbt').toFixed(0).padStart(8)} ${median(scores[page], 'cls').toFixed(3).padStart(7)}`);
  const cost = median(scores.without, 'score') - median(scores.with, 'score');
  console.log(`the block costs ${cost} point(s) (Shopify's limit: 10) — ${cost <= 10 ? 'within' : 'over'}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
