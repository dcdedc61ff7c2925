// The theme block (extensions/storybook-personalizer/blocks/personalize.liquid) rendered as a theme renders it:
// liquidjs over its Liquid, its locale strings through `t`, its assets under /assets/, the {% schema %} left out.
// Used by scripts/block-cost.cjs and by the tests' stand-in online store (a product page with the block).
//   node scripts/render-block.cjs [variantId] [locale]      prints the block's HTML
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const { Liquid, Tag } = require(path.join(root, '.tools', 'node_modules', 'liquidjs'));
const block = path.join(root, 'extensions', 'storybook-personalizer');

/** The block's HTML for a product page: the product's variant, the storefront's locale, Shopify's cart routes. */
async function renderBlock({ variant = 4242, locale = 'en', cartAdd = '/cart/add', cart = '/cart' } = {}) {
  const file = path.join(block, 'locales', `${locale}.json`);
  const strings = JSON.parse(fs.readFileSync(fs.existsSync(file) ? file : path.join(block, 'locales', 'en.default.json'), 'utf8'));
  const engine = new Liquid();
  engine.registerFilter('t', (key) => key.split('.').reduce((o, k) => (o || {})[k], strings) ?? key);
  engine.registerFilter('json', (v) => JSON.stringify(v));
  engine.registerFilter('asset_url', (name) => `/assets/${name}`);
  engine.registerFilter('stylesheet_tag', (url) => `<link href="${url}" rel="stylesheet" type="text/css" media="all" />`);
  // {% schema %} is the theme editor's, not the page's.
  engine.registerTag('schema', class extends Tag {
    constructor(token, remain, liquid) {
      super(token, remain, liquid);
      while (remain.length) { const t = remain.shift(); if (t.name === 'endschema') return; }
    }
    * render() { return ''; }
  });
  const source = fs.readFileSync(path.join(block, 'blocks', 'personalize.liquid'), 'utf8');
  return engine.parseAndRender(source, {
    block: { id: 'b1', settings: {} },
    product: { selected_or_first_available_variant: { id: variant } },
    routes: { cart_add_url: cartAdd, cart_url: cart },
    request: { locale: { iso_code: locale } },
  });
}

module.exports = { renderBlock };

if (require.main === module) {
  renderBlock({ variant: Number(process.argv[2] || 4242), locale: process.argv[3] || 'en' })
    .then((html) => process.stdout.write(html))
    .catch((e) => { console.error(e); process.exit(1); });
}
