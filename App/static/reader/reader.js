// The read-along reader. It reads the book's manifest (script#book), shows the cover, the pages and the end, turns
// pages by button, arrow key and swipe, and reads aloud: each page's narration plays, the word being spoken lights
// up (from the word timings), the page turns when its narration ends, and reading goes on to the end. No third-party
// code; pictures load lazily and the next page's picture is fetched ahead.
(function () {
  var book = JSON.parse(document.getElementById('book').textContent);
  var L = book.text;
  var root = document.getElementById('reader');
  var stage = document.getElementById('stage');
  var audio = document.getElementById('voice');
  var play = document.getElementById('play'), quiet = document.getElementById('quiet');
  var prev = document.getElementById('prev'), next = document.getElementById('next');
  var where = document.getElementById('where');
  var last = book.pages.length + 1;          // 0 = cover, 1..n = pages, n + 1 = the end
  var index = 0, reading = false, spans = [], lit = -1, frame = 0;
  var canRead = book.pages.some(function (p) { return p.audio; });

  function format(s, a, b) { return s.replace('{0}', a).replace('{1}', b); }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function picture(src, alt) {
    var f = el('figure', 'picture');
    if (src) { var i = el('img'); i.src = src; i.alt = alt || ''; i.loading = 'lazy'; i.decoding = 'async'; i.width = 1024; i.height = 1024; f.appendChild(i); }
    return f;
  }

  function render() {
    stopHighlight();
    stage.textContent = '';
    spans = [];
    var view;
    if (index === 0) {
      view = el('div', 'cover');
      view.appendChild(el('h1', null, book.title));
      view.appendChild(picture(book.cover, book.title));
      where.textContent = L.cover;
    } else if (index === last) {
      view = el('div', 'end');
      view.appendChild(el('p', null, L.theEnd));
      if (book.morePages > 0) view.appendChild(el('p', 'more', format(L.moreInBook, book.morePages)));
      where.textContent = L.theEnd;
    } else {
      var page = book.pages[index - 1];
      view = el('div', 'spread');
      view.appendChild(picture(page.picture, ''));
      var text = el('p', 'text');
      text.lang = book.language;
      var words = page.words || page.text.split(/\s+/).filter(Boolean).map(function (w) { return { w: w }; });
      words.forEach(function (w, i) {
        var s = el('span', 'w', w.w);
        s.dataset.i = i;
        if (page.words && page.audio) s.addEventListener('click', function () { fromWord(i); });
        text.appendChild(s);
        text.appendChild(document.createTextNode(' '));
        spans.push(s);
      });
      view.appendChild(text);
      where.textContent = format(L.pageOf, index, book.pages.length);
    }
    stage.appendChild(view);
    stage.dataset.view = index;
    prev.disabled = index === 0;
    next.disabled = index === last;
    // The next page's picture, fetched ahead so turning is instant.
    var ahead = book.pages[index];
    if (ahead && ahead.picture) { var img = new Image(); img.src = ahead.picture; }
  }

  function go(to) {
    to = Math.max(0, Math.min(last, to));
    if (to === index) return;
    audio.pause();
    index = to;
    render();
    if (reading) readPage();
  }

  function readPage() {
    var page = book.pages[index - 1];
    if (index === 0) { setTimeout(function () { if (reading && index === 0) go(1); }, 800); return; }
    if (!page) { stopReading(); return; }
    if (!page.audio) { setTimeout(function () { if (reading) go(index + 1); }, 1500); return; }
    if (audio.dataset.page !== String(page.number)) { audio.src = page.audio; audio.dataset.page = page.number; }
    audio.play().catch(function () { stopReading(); });
  }

  function fromWord(i) {
    var page = book.pages[index - 1];
    if (audio.dataset.page !== String(page.number)) { audio.src = page.audio; audio.dataset.page = page.number; }
    audio.currentTime = page.words[i].s;
    reading = true;
    audio.play();
    buttons();
  }

  // The spoken word: the last one that has started by the audio's current time.
  function highlight() {
    var page = book.pages[index - 1];
    if (page && page.words && audio.dataset.page === String(page.number)) {
      var t = audio.currentTime, at = -1;
      for (var i = 0; i < page.words.length && page.words[i].s <= t; i++) at = i;
      if (at >= 0 && t >= page.words[at].e && at === page.words.length - 1) at = -1;
      if (at !== lit) {
        if (lit >= 0 && spans[lit]) spans[lit].classList.remove('on');
        if (at >= 0 && spans[at]) spans[at].classList.add('on');
        lit = at;
        stage.dataset.word = at;
      }
    }
    if (!audio.paused) frame = requestAnimationFrame(highlight);
  }
  function stopHighlight() {
    cancelAnimationFrame(frame);
    if (lit >= 0 && spans[lit]) spans[lit].classList.remove('on');
    lit = -1;
    stage.dataset.word = -1;
  }

  function stopReading() { reading = false; audio.pause(); stopHighlight(); buttons(); }
  function buttons() {
    var playing = reading && !audio.paused;
    play.textContent = playing ? L.pause : (reading ? L.resume : L.readToMe);
    play.setAttribute('aria-pressed', playing ? 'true' : 'false');
    quiet.setAttribute('aria-pressed', reading ? 'false' : 'true');
    root.dataset.reading = reading ? (playing ? 'playing' : 'paused') : 'off';
  }

  audio.addEventListener('play', function () { buttons(); frame = requestAnimationFrame(highlight); });
  audio.addEventListener('pause', buttons);
  audio.addEventListener('ended', function () { stopHighlight(); if (reading) go(index + 1); if (index === last) stopReading(); });

  play.addEventListener('click', function () {
    if (reading && !audio.paused) { audio.pause(); return; }
    if (reading && audio.dataset.page && index > 0 && index < last) { audio.play(); return; }
    reading = true;
    if (index === last) go(0);
    readPage();
    buttons();
  });
  quiet.addEventListener('click', stopReading);
  prev.addEventListener('click', function () { go(index - 1); });
  next.addEventListener('click', function () { go(index + 1); });
  document.addEventListener('keydown', function (e) {
    if (e.target && /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName)) return;
    if (e.key === 'ArrowRight' || e.key === 'PageDown') { go(index + 1); e.preventDefault(); }
    if (e.key === 'ArrowLeft' || e.key === 'PageUp') { go(index - 1); e.preventDefault(); }
  });
  var touchX = null;
  stage.addEventListener('touchstart', function (e) { touchX = e.changedTouches[0].clientX; }, { passive: true });
  stage.addEventListener('touchend', function (e) {
    if (touchX === null) return;
    var dx = e.changedTouches[0].clientX - touchX;
    touchX = null;
    if (dx < -50) go(index + 1); else if (dx > 50) go(index - 1);
  });

  var size = Number(localStorage.getItem('storybook-reader-size')) || 1;
  function resize(by) {
    size = Math.max(0.8, Math.min(1.8, Math.round((size + by) * 10) / 10));
    document.documentElement.style.setProperty('--size', size);
    try { localStorage.setItem('storybook-reader-size', size); } catch (e) { /* private mode */ }
  }
  document.getElementById('smaller').addEventListener('click', function () { resize(-0.1); });
  document.getElementById('larger').addEventListener('click', function () { resize(0.1); });
  resize(0);

  play.hidden = quiet.hidden = !canRead;
  render();
  buttons();
})();
