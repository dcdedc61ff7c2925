// The embedded admin's script. Every action calls the JSON API. The session token comes from App Bridge when it is
// there (fresh, as Shopify wants), else from the page (tests; local development, where no token means the dev shop).
// Inside the Shopify admin App Bridge draws the navigation menu and the title bar: the page's own bar and heading
// step aside.
if(window.shopify&&window.shopify.config)document.documentElement.classList.add('app-bridge');
async function sessionToken(){try{if(window.shopify&&shopify.idToken)return await shopify.idToken();}catch(e){}return document.querySelector('meta[name=id-token]').content;}
async function api(method,url,body){const t=await sessionToken();const h={'Content-Type':'application/json'};if(t)h['Authorization']='Bearer '+t;
  const r=await fetch(url,{method,headers:h,body:body===undefined?undefined:JSON.stringify(body)});let data=null;try{data=await r.json();}catch(e){}return {ok:r.ok,status:r.status,data};}
// Shopify's approval pages (a plan, a higher cap) open at the top level, outside the admin's iframe: App Bridge
// carries window.open(url, '_top') out of the frame.
function confirmAtTop(url){window.open(url,'_top');}
function toast(text){const t=document.getElementById('toast');t.textContent=text;t.style.display='block';if(window.shopify&&shopify.toast)shopify.toast.show(text);setTimeout(()=>t.style.display='none',4000);}
document.addEventListener('click',async e=>{const b=e.target.closest('button[data-action]');if(!b)return;e.preventDefault();
  if(b.dataset.confirm&&!confirm(b.dataset.confirm))return;b.disabled=true;
  const r=await api(b.dataset.method||'POST',b.dataset.action,b.dataset.body?JSON.parse(b.dataset.body):{});
  if(r.ok&&r.data&&r.data.confirmationUrl){toast(b.dataset.done||'Opening Shopify…');confirmAtTop(r.data.confirmationUrl);return;}
  if(r.ok){toast(b.dataset.done||'Done');setTimeout(()=>location.reload(),600);}else{b.disabled=false;toast((r.data&&(r.data.title||r.data.detail))||('Failed: '+r.status));}});


// The settings form: saved through PUT /api/settings; a refused field shows its message beside it.
document.getElementById('settings')?.addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target, body = {moderationThresholds:{}};
  for (const el of f.querySelectorAll('input,select')) {
    const v = el.value.trim(); if (v === '') continue;
    if (el.name.startsWith('moderationThresholds.')) body.moderationThresholds[el.name.substring(21)] = Number(v);
    else if (el.name === 'bookProductIds') body[el.name] = el.multiple
      ? Array.from(el.selectedOptions).map(o => o.value) : v.split(',').map(x => x.trim()).filter(x => x);
    else body[el.name] = el.dataset.bool ? v === 'true' : (el.type === 'number' || el.dataset.number) ? Number(v) : v;
  }
  for (const x of f.querySelectorAll('.field')) { x.classList.remove('invalid'); x.querySelector('.error').textContent = ''; }
  const r = await api('PUT', '/api/settings', body);
  if (r.ok) { toast('Settings saved'); return; }
  const errors = (r.data && r.data.errors) || {};
  for (const [k, msgs] of Object.entries(errors)) {
    const x = f.querySelector(`.field[data-field="${CSS.escape(k)}"]`); if (!x) continue;
    x.classList.add('invalid'); x.querySelector('.error').textContent = msgs.join(' ');
  }
  toast('Some settings need attention');
});


// A new experiment: POST /api/experiments with its arms; a refused field shows its message beside it.
document.getElementById('experiment')?.addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target, body = { name: f.elements.name.value.trim(), arms: [] };
  for (const set of f.querySelectorAll('fieldset.arm')) {
    const v = n => set.querySelector(`[name=${n}]`).value.trim() || null;
    body.arms.push({ key: v('key'), provider: v('provider'), model: v('model'), promptVariant: v('promptVariant'),
      weight: v('weight') === null ? null : Number(v('weight')) });
  }
  const end = f.elements.endsAt.value; if (end) body.endsAt = new Date(end + 'T23:59:59Z').toISOString();
  for (const x of f.querySelectorAll('.field')) { x.classList.remove('invalid'); x.querySelector('.error').textContent = ''; }
  const r = await api('POST', '/api/experiments', body);
  if (r.ok) { toast('Experiment started'); setTimeout(() => location.reload(), 600); return; }
  const errors = (r.data && r.data.errors) || {};
  for (const [k, msgs] of Object.entries(errors)) {
    const x = f.querySelector(`.field[data-field="${CSS.escape(k)}"]`) || f.querySelector('.field[data-field=name]');
    x.classList.add('invalid'); x.querySelector('.error').textContent += msgs.join(' ') + ' ';
  }
  toast((r.data && r.data.title) || 'The experiment needs attention');
});

// New book: POST /api/stories with the storefront's fields; a refused field shows its message beside it; a started
// book opens its page.
document.getElementById('new-book')?.addEventListener('submit', async e => {
  e.preventDefault();
  const f = e.target, body = { companions: [] };
  for (const name of ['childName', 'ageGroup', 'genre', 'language', 'moral']) {
    const v = f.elements[name].value.trim(); if (v !== '') body[name] = v;
  }
  f.querySelectorAll('.companion').forEach(row => {
    const name = row.querySelector('[name=companionName]').value.trim(), kind = row.querySelector('[name=companionKind]').value;
    if (name || kind) body.companions.push({ name, kind });
  });
  for (const x of f.querySelectorAll('.field')) { x.classList.remove('invalid'); x.querySelector('.error').textContent = ''; }
  const button = f.querySelector('button[type=submit]'); button.disabled = true;
  const r = await api('POST', '/api/stories', body);
  if (r.ok) { toast('Book started'); location.href = f.dataset.storyLink.replace('STORY_ID', r.data.id); return; }
  button.disabled = false;
  const errors = (r.data && r.data.errors) || {};
  let shown = false;
  for (const [k, msgs] of Object.entries(errors)) {
    const key = k.replace(/^companions\[(\d+)\]\.(name|kind)$/, 'companions[$1].name');
    const x = f.querySelector(`.field[data-field="${CSS.escape(key)}"]`); if (!x) continue;
    x.classList.add('invalid'); x.querySelector('.error').textContent += (x.querySelector('.error').textContent ? ' ' : '') + msgs.join(' '); shown = true;
  }
  toast(shown ? 'Some fields need attention' : ((r.data && (r.data.title || r.data.detail)) || ('Failed: ' + r.status)));
});


// The Plan page: a higher usage cap, asked for through POST /api/billing/cap and approved in Shopify.
document.getElementById('raise-cap')?.addEventListener('submit', async e => {
  e.preventDefault(); const f = e.target; const x = f.querySelector('.field[data-field=cappedAmount]');
  x.classList.remove('invalid'); x.querySelector('.error').textContent = '';
  const r = await api('POST', '/api/billing/cap', { cappedAmount: Number(f.cappedAmount.value) });
  if (r.ok && r.data && r.data.confirmationUrl) { confirmAtTop(r.data.confirmationUrl); return; }
  const errors = (r.data && r.data.errors) || {};
  if (errors.cappedAmount) { x.classList.add('invalid'); x.querySelector('.error').textContent = errors.cappedAmount.join(' '); }
  else toast((r.data && (r.data.title || r.data.detail)) || ('Failed: ' + r.status));
});

// Settings → Book products through App Bridge's product picker (inside the Shopify admin); the list stays the fallback.
document.getElementById('pick-products')?.addEventListener('click', async e => {
  e.preventDefault(); const select = document.getElementById('bookProductIds'); if (!select || !window.shopify?.resourcePicker) return;
  const chosen = [...select.selectedOptions].map(o => ({ id: 'gid://shopify/Product/' + o.value }));
  const picked = await shopify.resourcePicker({ type: 'product', multiple: true, action: 'select', selectionIds: chosen });
  if (!picked) return; // cancelled
  const ids = picked.map(p => String(p.id).split('/').pop());
  for (const p of picked) { const id = String(p.id).split('/').pop();
    if (![...select.options].some(o => o.value === id)) select.add(new Option(p.title, id)); }
  for (const o of select.options) o.selected = ids.includes(o.value);
  toast(picked.length + ' book product' + (picked.length === 1 ? '' : 's') + ' chosen: save to keep them');
});
