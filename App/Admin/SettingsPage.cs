using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using StorybookShop.Generation;
using StorybookShop.Generation.OpenAI;
using static StorybookShop.Admin.AdminUi;

namespace StorybookShop.Admin;

/// <summary>The settings form: saved through PUT /api/settings; a refused field shows its message beside it and nothing is saved.</summary>
public static class SettingsPage
{
    public static WebApplication MapSettingsPage(this WebApplication app)
    {
        app.MapGet("/settings", async (HttpContext http, ProviderCatalog providers,
            IOptions<GenerationOptions> generation,
            ShopProducts shopProducts, CancellationToken ct) =>
        {
            var (ctx, redirect) = await AuthenticateAsync(http, ct);
            if (ctx is null) return redirect!;
            var products = ctx.Shop.AccessToken is null ? null : await shopProducts.ListAsync(ctx.Domain, ct);
            var s = ctx.Shop.Settings;
            var g = generation.Value;
            var b = new StringBuilder("<form class=\"card\" id=\"settings\">");
            string Select(string name, string label, ProviderKind kind, string? value, string fallback)
            {
                var o = new StringBuilder($"<div class=\"field\" data-field=\"{name}\"><label for=\"{name}\">{label}</label><select id=\"{name}\" name=\"{name}\"><option value=\"\">Server default ({E(fallback)})</option>");
                var models = providers.Models();
                var prefix = kind.ToString().ToLowerInvariant();
                foreach (var p in providers.Available(kind))
                    o.Append($"<option value=\"{E(p)}\"{(p == value ? " selected" : "")}>{E(p)}{(models.TryGetValue($"{prefix}/{p}", out var m) ? $" — {E(m)}" : "")}</option>");
                if (value is not null && !providers.Available(kind).Contains(value)) o.Append($"<option selected>{E(value)}</option>");
                return o.Append("</select><div class=\"error\"></div></div>").ToString();
            }
            string Input(string name, string label, string? value, string type = "text", string hint = "") =>
                $"<div class=\"field\" data-field=\"{name}\"><label for=\"{name}\">{label}</label><input id=\"{name}\" name=\"{name}\" type=\"{type}\" value=\"{E(value)}\"{(type == "number" ? " step=\"any\"" : "")}><div class=\"muted\">{E(hint)}</div><div class=\"error\"></div></div>";
            b.Append("<h2>Providers</h2>");
            b.Append(Select("textProvider", "Story text", ProviderKind.Text, s.TextProvider, g.TextProvider));
            b.Append(Select("imageProvider", "Pictures", ProviderKind.Image, s.ImageProvider, g.ImageProvider));
            b.Append(Select("audioProvider", "Narration", ProviderKind.Audio, s.AudioProvider, g.AudioProvider));
            b.Append(Input("voice", "Voice", s.Voice, hint: "An ElevenLabs voice id or an OpenAI voice name; empty uses the server's."));
            b.Append(Input("illustrationStyle", "Illustration style", s.IllustrationStyle, hint: $"Empty: {IllustrationStage.DefaultStyle}."));
            b.Append(Input("imageConcurrency", "Pictures at once", s.ImageConcurrency?.ToString(CultureInfo.InvariantCulture), "number", $"1–16; empty: {g.ShopImageConcurrency}."));
            b.Append("<h2>Book</h2><div class=\"field\" data-field=\"trimInches\"><label for=\"trimInches\">Trim size</label><select id=\"trimInches\" name=\"trimInches\" data-number=\"1\"><option value=\"\">Server default (8.5 × 8.5 in)</option>");
            foreach (var trim in Books.BookFormat.Trims)
                b.Append(CultureInfo.InvariantCulture, $"<option value=\"{trim}\"{(s.TrimInches == trim ? " selected" : "")}>{trim} × {trim} in</option>");
            b.Append("</select><div class=\"muted\">Print files add 0.125 in bleed on every side.</div><div class=\"error\"></div></div>");
            b.Append(Input("price", "Price of a published book", s.Price?.ToString(CultureInfo.InvariantCulture), "number",
                $"In the shop's currency; empty: {http.RequestServices.GetRequiredService<IOptions<Publishing.PublishingOptions>>().Value.DefaultPrice.ToString(CultureInfo.InvariantCulture)}."));
            const string booksHint = "The products that sell personalized books (the ones with the StorybookShop block). " +
                "Only a paid line of one of these — or of a book published as its own product — releases a book.";
            if (products is { Count: > 0 })
            {
                // Chosen from the shop's own products; ids saved before but no longer listed stay selected.
                var chosen = s.BookProductIds ?? [];
                b.Append("<div class=\"field\" data-field=\"bookProductIds\"><label for=\"bookProductIds\">Book products</label>");
                b.Append("<select id=\"bookProductIds\" name=\"bookProductIds\" multiple size=\"6\">");
                foreach (var p in products)
                    b.Append($"<option value=\"{E(p.Id)}\"{(chosen.Contains(p.Id) ? " selected" : "")}>{E(p.Title)}</option>");
                foreach (var id in chosen.Where(id => products.All(p => p.Id != id)))
                    b.Append($"<option value=\"{E(id)}\" selected>Product {E(id)}</option>");
                b.Append($"</select><div class=\"muted\">{E(booksHint)}</div><div class=\"error\"></div></div>");
            }
            else
                b.Append(Input("bookProductIds", "Book products", s.BookProductIds is null ? null : string.Join(", ",
                    s.BookProductIds),
                    "text", "Product ids, comma-separated. " + booksHint));
            b.Append("<div class=\"field\" data-field=\"previewBeforePurchase\"><label for=\"previewBeforePurchase\">Before purchase, make</label><select id=\"previewBeforePurchase\" name=\"previewBeforePurchase\" data-bool=\"1\">");
            b.Append($"<option value=\"\">Server default (a preview)</option><option value=\"true\"{(s.PreviewBeforePurchase == true ? " selected" : "")}>A preview: text, cover and first pages</option><option value=\"false\"{(s.PreviewBeforePurchase == false ? " selected" : "")}>The whole book</option>");
            b.Append("</select><div class=\"muted\">A preview costs less when shoppers do not buy; the rest is made when the order is paid.</div><div class=\"error\"></div></div>");
            b.Append("<h2>Spending</h2>");
            b.Append(Input("monthlyBudgetUsd", "Monthly budget (USD)", ctx.Shop.MonthlyBudgetUsd?.ToString(CultureInfo.InvariantCulture), "number",
                g.DefaultMonthlyBudgetUsd is { } d ? $"Empty: {d.ToString(CultureInfo.InvariantCulture)} USD." : "Empty: no cap."));
            b.Append("<h2>Moderation thresholds</h2><p class=\"muted\">A score from which text is refused (0–1). Empty: OpenAI's own verdict.</p><div class=\"grid\">");
            foreach (var category in OpenAiModeration.Categories.Keys)
                b.Append(Input($"moderationThresholds.{category}", category, s.ModerationThresholds is { } t && t.TryGetValue(category, out var v) ? v.ToString(CultureInfo.InvariantCulture) : null, "number"));
            b.Append("</div><p><button type=\"submit\" id=\"save\">Save</button></p></form>");
            b.Append("""
                <script>
                document.getElementById('settings').addEventListener('submit', async e => {
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
                </script>
                """);
            return Page(http, ctx, "Settings", "/settings", b.ToString());
        }).ExcludeFromDescription();
        return app;
    }
}
