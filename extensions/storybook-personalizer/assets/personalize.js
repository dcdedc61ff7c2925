// StorybookShop personalizer: fills the choices from /catalog, starts the book, follows its progress
// (Server-Sent Events, or polling where the proxy buffers them), and adds it to the cart with _story_id.
// Its words come from the block (the JSON script tag, translated by the theme); it sends the storefront's language
// (data-locale) to the app so that what the app answers — choices, errors, pages — is in that language too.
(function () {
  function init(root) {
    var proxy = root.dataset.proxy || '/apps/storybook';
    var locale = root.dataset.locale || '';
    var strings = {};
    try { strings = JSON.parse(root.querySelector('.storybook-strings').textContent); } catch (err) { strings = {}; }
    function t(key, values) {
      return (strings[key] || key).replace(/\{(\w+)\}/g, function (m, name) { return values && name in values ? values[name] : m; });
    }
    // On the storefront Shopify's proxy signs every request (our locale included); the standalone page
    // (/proxy/personalize) carries the app's own session token, which already holds the language.
    function u(path) {
      var query = root.dataset.query || (locale ? 'locale=' + encodeURIComponent(locale) : '');
      return proxy + path + (query ? (path.indexOf('?') < 0 ? '?' : '&') + query : '');
    }
    var form = root.querySelector('.storybook-form');
    var errors = root.querySelector('.storybook-errors');
    var progress = root.querySelector('.storybook-progress');
    var ready = root.querySelector('.storybook-ready');
    var storyId = null;
    // A random id kept in this browser: the app's per-shopper limit keys on it (behind Shopify's proxy every guest
    // shares Shopify's address). It identifies nothing about the shopper.
    var shopper = null;
    try {
      shopper = window.localStorage.getItem('storybook-shopper');
      if (!shopper) {
        shopper = (window.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2);
        window.localStorage.setItem('storybook-shopper', shopper);
      }
    } catch (err) { shopper = null; }

    function options(select, items, label) {
      items.forEach(function (item) {
        var o = document.createElement('option');
        o.value = typeof item === 'string' ? item : item.id;
        o.textContent = label ? label(item) : (typeof item === 'string' ? item : item.id);
        select.appendChild(o);
      });
    }
    fetch(u('/catalog'), { headers: { Accept: 'application/json' } }).then(function (r) { return r.json(); }).then(function (c) {
      var lang = locale.split('-')[0].toLowerCase();
      var themeNames = c.themeNames || {};
      options(form.ageGroup, c.ageBands, function (b) { return t('years', { band: b.id }); });
      options(form.genre, c.themes, function (g) { return themeNames[g] || g; });
      options(form.language, Object.keys(c.languages).map(function (k) { return { id: k, name: c.languages[k] }; }), function (l) { return l.name; });
      form.querySelectorAll('select[name="companionKind"]').forEach(function (select) {
        options(select, c.companions, function (k) { return k[lang] || k.en; });
      });
      // The book is written in the storefront's language when the app writes books in it.
      if (c.languages[lang]) form.language.value = lang;
    });

    function show(s) {
      progress.querySelector('progress').value = s.percentDone;
      progress.querySelector('.storybook-percent').textContent = s.percentDone + ' %';
      progress.querySelector('.storybook-stage').textContent =
        s.status === 'Preview' ? t('preview_ready') :
        s.status === 'Complete' || s.status === 'Published' ? t('book_ready') :
        s.status === 'Error' ? t('failed') :
        s.title ? t('drawing', { title: s.title }) : t('writing');
      if (s.status === 'Preview' || s.status === 'Complete' || s.status === 'Published') {
        ready.hidden = false;
        // The preview page adds the book to the cart itself: it needs the variant (only a real one is sent).
        var v = variant();
        ready.querySelector('.storybook-preview').href = u('/stories/' + s.id + '/preview' + (v > 0 ? '?variant=' + v : ''));
      }
      if (s.status === 'Error') { errors.hidden = false; errors.textContent = t('failed'); }
    }
    function follow(s) {
      show(s);
      if (window.EventSource) {
        var es = new EventSource(u('/stories/' + s.id + '/events'));
        var heard = false;
        es.addEventListener('progress', function (e) { heard = true; show(JSON.parse(e.data)); });
        es.addEventListener('done', function (e) { show(JSON.parse(e.data)); es.close(); });
        es.onerror = function () { es.close(); if (!heard) poll(u('/stories/' + s.id)); };
      } else poll(u('/stories/' + s.id));
    }
    function poll(url) {
      fetch(url).then(function (r) { return r.json(); }).then(function (s) {
        show(s);
        if (s.status === 'Generating' || s.status === 'Draft') setTimeout(function () { poll(url); }, 2000);
      });
    }

    form.addEventListener('submit', function (e) {
      e.preventDefault();
      errors.hidden = true;
      var body = { childName: form.childName.value, ageGroup: form.ageGroup.value, genre: form.genre.value, language: form.language.value || null, moral: form.moral.value || null };
      // Up to three companions: each row with both a name and a kind.
      var companions = [];
      form.querySelectorAll('.storybook-companion-row').forEach(function (row) {
        var name = row.querySelector('[name="companionName"]').value.trim();
        var kind = row.querySelector('[name="companionKind"]').value;
        if (name && kind) companions.push({ name: name, kind: kind });
      });
      if (companions.length) body.companions = companions;
      var headers = { 'Content-Type': 'application/json', Accept: 'application/json' };
      if (shopper) headers['X-Storybook-Shopper'] = shopper;
      fetch(u('/stories'), { method: 'POST', headers: headers, body: JSON.stringify(body) })
        .then(function (r) { return r.json().then(function (j) { return { ok: r.ok, status: r.status, body: j }; }); })
        .then(function (r) {
          if (!r.ok) {
            var messages = r.body.errors ? Object.keys(r.body.errors).map(function (k) { return r.body.errors[k].join(' '); }) : [r.body.title || t('error')];
            errors.textContent = messages.join(' ');
            errors.hidden = false;
            return;
          }
          storyId = r.body.id;
          form.hidden = true;
          progress.hidden = false;
          follow(r.body);
        })
        .catch(function () { errors.textContent = t('error'); errors.hidden = false; });
    });

    // The variant the shopper has chosen when they add the book (the product form's id), not the one the page
    // rendered with; the cart's URLs as the storefront localizes them (routes.cart_add_url, e.g. /fr/cart/add).
    function variant() {
      var picked = document.querySelector('form[action*="/cart/add"] [name="id"]');
      return Number((picked && picked.value) || root.dataset.variant);
    }
    root.querySelector('.storybook-add').addEventListener('click', function () {
      fetch((root.dataset.cartAdd || '/cart/add') + '.js', {
        method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ items: [{ id: variant(), quantity: 1, properties: { _story_id: storyId } }] })
      }).then(function () { window.location.href = root.dataset.cart || '/cart'; });
    });
  }
  document.querySelectorAll('.storybook-personalizer').forEach(init);
})();
